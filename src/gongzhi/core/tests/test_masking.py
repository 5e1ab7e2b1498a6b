from gongzhi.core.masking import mask_id_number, mask_name, mask_phone, mask_text


def test_it_masks_phones():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone(None) == ""


def test_it_masks_id_numbers_first_six_last_four():
    assert mask_id_number("51010619900101123X") == "510106********123X"
    assert mask_id_number("510106900101123") == "510106*****1123"


def test_it_masks_names():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("张") == "*"
    assert mask_name("") == ""


def test_it_masks_numbers_in_free_text():
    text = "请联系王先生13812345678或138 1234 5678，身份证51010619900101123X，楼下28号"
    masked = mask_text(text)
    assert "13812345678" not in masked and "138 1234 5678" not in masked
    assert masked.count("138****5678") == 2
    assert "510106********123X" in masked
    assert "28号" in masked  # short numbers are left alone


def test_it_leaves_longer_digit_runs_alone():
    # A 20-digit order number is neither a phone nor an ID number.
    assert mask_text("单号12345678901234567890") == "单号12345678901234567890"
