"""Statements as files offices use: XLSX (openpyxl) and PDF (fpdf2).

The PDF embeds a subset of Noto Sans SC (SIL Open Font License), shipped as a wheel by
`pylopdf-fonts-zh-cn`, so Chinese renders on any reader without system fonts.
"""

from __future__ import annotations

import io

from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font
from pylopdf_fonts_zh_cn import sans_path

from gongzhi.core import clock
from gongzhi.fund.selectors import Statement
from gongzhi.fund.services import yuan


def _title(statement: Statement) -> str:
    return _("%(fund)s — statement %(start)s to %(end)s") % {
        "fund": statement.fund.name,
        "start": statement.start.isoformat(),
        "end": statement.end.isoformat(),
    }


def _summary(statement: Statement) -> list[tuple[str, int]]:
    return [
        (_("Opening balance"), statement.opening),
        *[
            (_("Income: %(source)s") % {"source": label}, fen)
            for label, fen in statement.income_rows
        ],
        (_("Transfers in"), statement.transfers_in),
        *[
            (_("Expenses: %(category)s") % {"category": label}, fen)
            for label, fen in statement.expense_rows
        ],
        (_("Transfers out"), statement.transfers_out),
        (_("Closing balance"), statement.closing),
    ]


def _expense_rows(statement: Statement) -> list[list[str]]:
    return [
        [
            expense.title,
            expense.category_label,
            expense.state_label,
            yuan(expense.total),
            "、".join(expense.approvers),
            str(expense.receipt_count),
        ]
        for expense in statement.expenses
    ]


EXPENSE_HEADERS = [
    "Expense",
    "Category",
    "State",
    "Amount (¥)",
    "Approved by",
    "Receipts",
]


def statement_xlsx(statement: Statement) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Summary")[:31]
    sheet.append([_title(statement)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for label, fen in _summary(statement):
        sheet.append([label, fen / 100])
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 16
    expenses = book.create_sheet(_("Expenses")[:31])
    expenses.append([_(h) for h in EXPENSE_HEADERS])
    for row in _expense_rows(statement):
        expenses.append([*row[:3], float(row[3].replace(",", "")), row[4], int(row[5])])
    income = book.create_sheet(_("Contributions")[:31])
    income.append([_("Date"), _("Source"), _("Contributor"), _("Memo"), _("Amount (¥)")])
    for item in statement.contributions:
        income.append(
            [
                item.at.astimezone(clock.SHANGHAI).date(),
                item.source_label,
                item.contributor,
                item.memo,
                item.amount / 100,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("sans", size=8)
        self.cell(0, 8, f"{self.page_no()}", align="C")


def statement_pdf(statement: Statement) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.add_font("sans", "", str(sans_path()))
    pdf.set_title(_title(statement))
    pdf.add_page()
    pdf.set_font("sans", size=15)
    pdf.multi_cell(0, 9, _title(statement), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("sans", size=9)
    pdf.cell(
        0,
        6,
        _("Place: %(place)s · generated %(at)s")
        % {
            "place": statement.fund.place.name,
            "at": formats.date_format(clock.now().astimezone(clock.SHANGHAI), "Y-m-d H:i"),
        },
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    pdf.set_font("sans", size=10)
    with pdf.table(
        col_widths=(70, 30), text_align=("LEFT", "RIGHT"), first_row_as_headings=False
    ) as table:
        for label, fen in _summary(statement):
            row = table.row()
            row.cell(label)
            row.cell(yuan(fen))
    pdf.ln(5)
    pdf.set_font("sans", size=12)
    pdf.cell(0, 8, _("Expenses"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("sans", size=9)
    with pdf.table(
        col_widths=(50, 26, 22, 22, 34, 14),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "LEFT", "RIGHT"),
        # The embedded font has one weight: headings are shaded, not bold.
        headings_style=FontFace(emphasis="", fill_color=(225, 230, 235)),
    ) as table:
        header = table.row()
        for heading in EXPENSE_HEADERS:
            header.cell(_(heading))
        for values in _expense_rows(statement):
            row = table.row()
            for value in values:
                row.cell(value)
    return bytes(pdf.output())
