from __future__ import annotations

from gongzhi.cases.text import normalise, tokens


def test_normalise_makes_full_width_half_width():
    assert normalise("ＡＢＣ１２３！（）") == "abc123!()"
    assert normalise("１棟　２單元") == "1栋 2单元"


def test_normalise_makes_traditional_simplified_and_lower_case():
    assert normalise("樓上正在漏水。電梯壞了") == "楼上正在漏水。电梯坏了"
    assert normalise("WiFi 信號") == "wifi 信号"
    assert normalise("") == ""


def test_tokens_are_words_and_bigrams_without_punctuation_or_function_words():
    found = tokens("1栋电梯停运了，老人上下楼困难！")
    assert {"电梯", "停运", "老人", "困难"} <= set(found)  # words
    assert {"梯停", "1栋", "下楼"} <= set(found)  # bigrams, across word boundaries
    assert not {"，", "！", "了"} & set(found)  # punctuation and function words are gone
    assert all(any(c.isalnum() for c in token) for token in found)


def test_tokens_of_traditional_and_full_width_text_equal_those_of_simplified():
    assert tokens("１棟２單元電梯停運三天，老人上下樓困難。") == tokens(
        "1栋2单元电梯停运三天，老人上下楼困难。"
    )


def test_latin_words_are_not_cut_into_bigrams():
    assert tokens("WiFi 信号不好") == ["wifi", "信号", "不好", "信号", "号不", "不好"]


def test_no_text_no_tokens():
    assert tokens("") == []
    assert tokens("，。！？ ") == []
