from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from gongzhi.core import clock
from gongzhi.fund.exports import statement_pdf, statement_xlsx
from gongzhi.fund.models import Fund
from gongzhi.fund.selectors import statement_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_statement(demo):
    fund = Fund.objects.get(name="中加水岸小区院落基金")
    today = clock.today()
    return statement_build(fund=fund, start=today - dt.timedelta(days=400), end=today)


def test_the_pdf_embeds_a_font_and_its_text_is_chinese(demo_statement):
    data = statement_pdf(demo_statement)
    reader = PdfReader(io.BytesIO(data))
    # fpdf2 writes CFF fonts with an embedded Identity CMap, which pypdf reads one byte at a
    # time: each two-byte code comes out as NUL + the right character (the ToUnicode map is
    # right, as readers and pdftoppm show), so NULs and spaces are dropped before comparing.
    text = "".join(
        "".join(page.extract_text().replace("\x00", "").split()) for page in reader.pages
    )
    for expected in ("中加水岸小区院落基金", "楼道灯更换", "院落绿化补植", "化粪池清掏"):
        assert expected in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptor = next(iter(fonts.values())).get_object()["/DescendantFonts"][0].get_object()
    assert (
        "/FontFile3" in descriptor["/FontDescriptor"]
        or "/FontFile2" in descriptor["/FontDescriptor"]
    )
    # A subset, not the 8 MB font.
    assert len(data) < 400_000


def test_the_xlsx_holds_the_summary_and_each_expense(demo_statement):
    book = load_workbook(io.BytesIO(statement_xlsx(demo_statement)))
    summary, expenses, contributions = book.worksheets
    values = [row[1] for row in summary.iter_rows(min_row=3, values_only=True)]
    assert values[-1] == demo_statement.closing / 100
    titles = [row[0] for row in expenses.iter_rows(min_row=2, values_only=True)]
    assert "化粪池清掏" in titles and "监控摄像头加装" not in titles
    contributors = {row[2] for row in contributions.iter_rows(min_row=2, values_only=True)}
    assert "张*" in contributors and "张伟" not in contributors
