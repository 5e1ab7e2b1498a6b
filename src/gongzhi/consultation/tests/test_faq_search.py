"""FAQ search in Chinese: 繁體 finds 简体 and back, several words, ranking, other communities."""

from __future__ import annotations

import pytest

from gongzhi.consultation import search, selectors
from gongzhi.consultation.models import FaqEntry
from gongzhi.core import clock


def _entry(community, title: str, question: str, answer: str) -> FaqEntry:
    return FaqEntry.objects.create(
        community=community,
        title=title,
        question_text=question,
        answer_text=answer,
        search_text=search.search_text(title, question, answer),
        published_at=clock.now(),
    )


@pytest.fixture
def faq(xinqiao, zhiqiang):
    return {
        "lift": _entry(xinqiao, "电梯多久维保一次", "小区电梯经常停", "电梯每半月维护保养一次。"),
        "parking": _entry(
            xinqiao, "停車位怎麼申請", "新住戶的車停哪裡", "到物業服務中心登記車牌。"
        ),
        "card": _entry(xinqiao, "门禁卡补办", "门禁卡丢了", "带身份证到物业补办，工本费20元。"),
        "elsewhere": _entry(zhiqiang, "电梯年检", "电梯年检时间", "每年三月。"),
    }


def _titles(community, query: str) -> list[str]:
    return [e.title for e in selectors.faq_search(community=community, query=query)]


def test_traditional_queries_find_simplified_entries(faq, xinqiao):
    assert _titles(xinqiao, "電梯") == ["电梯多久维保一次"]
    assert _titles(xinqiao, "門禁卡") == ["门禁卡补办"]


def test_simplified_queries_find_traditional_entries(faq, xinqiao):
    assert _titles(xinqiao, "停车位") == ["停車位怎麼申請"]
    assert _titles(xinqiao, "物业 登记") == ["停車位怎麼申請"]


def test_every_word_of_a_query_must_match(faq, xinqiao):
    assert _titles(xinqiao, "物业 身份证") == ["门禁卡补办"]
    assert set(_titles(xinqiao, "物业")) == {"停車位怎麼申請", "门禁卡补办"}
    assert _titles(xinqiao, "电梯 物业") == []


def test_a_phrase_is_cut_into_words(faq, xinqiao):
    # Not a substring of any entry: rjieba cuts it into 电梯 + 保养 (and bigrams).
    assert _titles(xinqiao, "电梯的保养") == ["电梯多久维保一次"]


def test_full_width_and_case_do_not_matter(faq, xinqiao):
    _entry(xinqiao, "WiFi密码", "公共区域WiFi", "密码贴在门卫室。")
    assert _titles(xinqiao, "ｗｉｆｉ") == ["WiFi密码"]


def test_other_communities_and_unpublished_entries_stay_out(faq, xinqiao):
    assert "电梯年检" not in _titles(xinqiao, "年检")
    faq["lift"].is_published = False
    faq["lift"].save(update_fields=["is_published"])
    assert _titles(xinqiao, "电梯") == []


def test_no_query_lists_the_newest_first(faq, xinqiao, django_assert_num_queries):
    with django_assert_num_queries(1):
        titles = _titles(xinqiao, "")
    assert titles[:3] == ["门禁卡补办", "停車位怎麼申請", "电梯多久维保一次"]
