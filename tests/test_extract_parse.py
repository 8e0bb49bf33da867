"""Issue #3: the small parsers on hand-made lines (dates, numerals, 文号, categories, salutations)."""

from __future__ import annotations

import datetime as dt

import pytest

from build_scripts import vocab
from build_scripts.extract import draft, numerals
from build_scripts.paths import Paths

REGIONS = vocab.load(Paths())[0].regions
LETTER = "{head}\n尊敬的张三委员：\n您提出的《关于加强社区治理的建议》收悉，现答复如下：\n一、基本情况\n正文。\n感谢您的关心。\n昆明市西山区民政局\n{date}\n"


def extract(head: str = "关于政协西山区第十届三次会议第0087号提案的答复", date: str = "2023年5月31日") -> draft.Extraction:
    return draft.extract_text(LETTER.format(head=head, date=date), "text", REGIONS)


@pytest.mark.parametrize("text, value", [("十二", 12), ("十", 10), ("二十九", 29), ("一百零二", 102), ("0079", 79), ("x", None)])
def test_cn_int(text: str, value: int | None) -> None:
    assert numerals.cn_int(text) == value


@pytest.mark.parametrize("digits, readings", [
    ("2023531", [dt.date(2023, 5, 31)]),
    ("20211022", [dt.date(2021, 10, 22)]),
    ("2023111", [dt.date(2023, 1, 11), dt.date(2023, 11, 1)]),
    ("2023230", []),
])
def test_digit_readings(digits: str, readings: list[dt.date]) -> None:
    assert numerals.digit_readings(digits) == readings


@pytest.mark.parametrize("date, value", [
    ("2023年5月31日", "2023-05-31"), ("二〇一七年六月二十九日", "2017-06-29"), ("二○二一年十月二十二日", "2021-10-22"),
    ("2023531", "2023-05-31"), ("20211022", "2021-10-22"), ("2023111", None), ("2023年2月30日", None),
    ("2023 年 6 月 9 日", "2023-06-09"),
])
def test_reply_date_forms(date: str, value: str | None) -> None:
    result = extract(date=date)
    assert result.values["reply_date"] == value
    if value is None:
        assert any(w.startswith("reply_date") for w in result.warnings)


@pytest.mark.parametrize("line, value", [
    ("西民函〔2020〕21号", "西民函〔2020〕21号"), ("西民函【2020】21号", "西民函【2020】21号"),
    ("西民函[2020]21号", "西民函[2020]21号"), ("西民函﹝2020﹞21号", "西民函﹝2020﹞21号"),
    ("西民函〔2020〕21 号", "西民函〔2020〕21号"), ("西民函〔202021", None),
])
def test_doc_number_forms(line: str, value: str | None) -> None:
    assert extract(head=f"关于政协西山区第十届三次会议第0087号提案的答复\n{line}").values["doc_number"] == value


@pytest.mark.parametrize("line, value", [
    ("A", "A"), ("〔办理类型〕〔A〕", "A"), ("类别:B", "B"), ("类别：B", "B"), ("办理结果:B", "B"), ("（B类）", "B"),
    ("西民函〔2020〕21号 B", "B"), ("西民函〔2020〕21号（C类）", "C"), ("类别:提案", None), ("公开", None),
])
def test_category_forms(line: str, value: str | None) -> None:
    assert extract(head=f"关于政协西山区第十届三次会议第0087号提案的答复\n{line}").values["category"] == value


@pytest.mark.parametrize("salutation, proposers, role", [
    ("尊敬的张三委员：", ["张三"], "委员"), ("张三代表", ["张三"], "代表"), ("张三、李四代表：", ["张三", "李四"], "代表"),
    ("九三学社云南省委：", ["九三学社云南省委"], "组织"), ("xx委员：", [], "委员"), ("西山区代表团：", ["西山区代表团"], "组织"),
])
def test_salutation_forms(salutation: str, proposers: list[str], role: str) -> None:
    text = LETTER.format(head="关于政协西山区第十届三次会议第0087号提案的答复", date="2023年5月31日")
    result = draft.extract_text(text.replace("尊敬的张三委员：", salutation), "text", REGIONS)
    assert result.values["proposers"] == proposers
    assert result.values["proposer_role"] == role


@pytest.mark.parametrize("head, number", [
    ("关于政协西山区第十届三次会议第001号提案的答复", "001"), ("关于政协西山区第十届三次会议第R1102021号提案的答复", "R1102021"),
    ("关于政协西山区第十届三次会议第2022-92号提案的答复", "2022-92"), ("142282 区政协提案答复", "142282"),
    ("关于区政协十届三次会议提案的答复\n提案编号：来信", "来信"),
])
def test_proposal_number_forms(head: str, number: str) -> None:
    assert extract(head=head).values["proposal_number"] == number


@pytest.mark.parametrize("head, term, session", [
    ("关于政协西山区第十届三次会议第1号提案的答复", 10, 3), ("关于政协西山区九届次会议第1号提案的答复", 9, None),
    ("关于西山区第十六届人大四次会议第1号议案答复的函", 16, 4),
])
def test_session_forms(head: str, term: int, session: int | None) -> None:
    result = extract(head=head)
    assert (result.values["term"], result.values["session_no"]) == (term, session)


def test_traditional_mirror_matches_on_simplified_keeps_text() -> None:
    result = extract(head="關於政協(xié)西山區第十屆三次會議第0087號提案的答覆")
    assert result.values["title"] == "關於政協西山區第十屆三次會議第0087號提案的答覆"
    assert result.values["assembly"] == "政协昆明市西山区委员会"
    assert (result.values["term"], result.values["session_no"], result.values["proposal_kind"]) == (10, 3, "提案")


def test_footer_phone_is_not_the_contact() -> None:
    text = LETTER.format(head="关于政协西山区第十届三次会议第0087号提案的答复", date="2023年5月31日")
    result = draft.extract_text(text + "主办单位：昆明市西山区人民政府\n联系电话：0871-68181234\n", "text", REGIONS)
    assert result.values["contact_phone"] is None


def test_spam_in_place_of_agency_is_flagged_not_used() -> None:
    text = LETTER.format(head="关于政协西山区第十届三次会议第0087号提案的答复", date="2023年5月31日")
    result = draft.extract_text(text.replace("昆明市西山区民政局", "澳门新葡京娱乐场"), "text", REGIONS)
    assert result.values["agency"] is None
    assert any(w.startswith("spam:") for w in result.warnings)
    assert "澳门新葡京娱乐场" in result.text


@pytest.mark.parametrize("agency, code, assembly", [
    ("昆明市西山区民政局", "530112", "政协昆明市委员会"),
    ("昆明市官渡区住房和城乡建设局", "530111", "政协昆明市委员会"),
    ("昆明市五华区民政局", "530102", "政协昆明市委员会"),  # every GB/T 2260 division is known (issue 12)
    ("昆明市滇池区民政局", None, "政协昆明市委员会"),  # no such district: never the city's code
    # Issue 12: 兵团 divisions, a former name, a 开发区/新区 without a code, a county-level city.
    ("第六师五家渠市民政局", "659004", "政协五家渠市委员会"),  # 师市: the city is county-level
    ("新疆生产建设兵团第八师民政局", "659001", "政协石河子市委员会"),
    ("襄樊市民政局", "420600", "政协襄樊市委员会"),
    ("莱芜市民政局", "371200", "政协莱芜市委员会"),
    ("长春新区社会事业局", "220100", "政协长春市委员会"),
    ("海口国家高新技术产业开发区社会事务局", "460100", "政协海口市委员会"),
    ("北京市朝阳区民政局", "110105", "政协北京市委员会"),  # 市政协 of a municipality's district
    ("城关区民政局", None, None),  # 兰州 or 拉萨: the letter does not say
    ("中共昆明市委社会工作部", "530100", "政协昆明市委员会"),
    ("云南省民政厅", "530000", None),  # 市政协 of which city? not said
    ("大理州民政局", "532900", "政协大理白族自治州委员会"),  # an autonomous 州's short name (issue 12)
    ("石林县民政局", "530126", "政协昆明市委员会"),  # 石林彝族自治县, in 昆明市
])
def test_region_codes_only_from_the_vocabulary(agency: str, code: str | None, assembly: str | None) -> None:
    text = LETTER.format(head="关于市政协十四届二次会议第1号提案的答复", date="2023年5月31日")
    result = draft.extract_text(text.replace("昆明市西山区民政局", agency), "text", REGIONS)
    assert (result.values["region_code"], result.values["assembly"]) == (code, assembly)


def test_national_assembly() -> None:
    result = extract(head="关于十四届全国人大一次会议第1234号建议的答复")
    assert result.values["assembly"] == "全国人民代表大会"


def test_no_salutation_still_reads_the_header() -> None:
    text = ("首页 > 政务公开\n您当前的位置：首页 > 建议提案\n关于政协西山区第十届三次会议第0087号提案的答复\n西民函〔2023〕5号\n"
            "根据区政协提案委员会交办，现将办理情况答复如下：社区工作者队伍建设已列入年度重点工作。\n昆明市西山区民政局\n2023年5月31日\n")
    result = draft.extract_text(text, "text", REGIONS)
    assert result.values["title"] == "关于政协西山区第十届三次会议第0087号提案的答复"
    assert result.values["doc_number"] == "西民函〔2023〕5号"
    assert result.values["proposers"] == []
    assert any(w.startswith("sections: no salutation") for w in result.warnings)


def test_title_nearest_the_letter_not_a_related_link() -> None:
    text = LETTER.format(head="关于政协西山区第十届三次会议第0086号提案的答复\n关于政协西山区第十届三次会议第0087号提案的答复",
                         date="2023年5月31日")
    result = draft.extract_text(text, "text", REGIONS)
    assert result.values["proposal_number"] == "0087"


def test_salutation_on_the_same_line_as_the_text() -> None:
    text = LETTER.format(head="关于政协西山区第十届三次会议第0087号提案的答复", date="2023年5月31日")
    text = text.replace("尊敬的张三委员：\n您提出的", "尊敬的张三委员：您提出的")
    result = draft.extract_text(text, "text", REGIONS)
    assert (result.values["proposers"], result.values["proposer_role"]) == (["张三"], "委员")
    assert result.values["proposal_title"] == "关于加强社区治理的建议"


@pytest.mark.parametrize("salutation, proposers, role", [
    ("各位代表：", [], "代表"), ("张三等5名代表：", ["张三"], "代表"), ("李四等委员：", ["李四"], "委员"),
])
def test_salutation_groups(salutation: str, proposers: list[str], role: str) -> None:
    text = LETTER.format(head="关于政协西山区第十届三次会议第0087号提案的答复", date="2023年5月31日")
    result = draft.extract_text(text.replace("尊敬的张三委员：", salutation), "text", REGIONS)
    assert (result.values["proposers"], result.values["proposer_role"]) == (proposers, role)


def test_page_numbers_and_an_attachment_after_the_signature() -> None:
    text = LETTER.format(head="关于政协西山区第十届三次会议第0087号提案的答复", date="2023年5月31日")
    text = text.replace("正文。", "正文。\n- 2 -\n第 2 页 共 3 页")
    text += "附件：提案办理征询意见表\n提案办理征询意见表\n提案人对办理工作的意见：满意、基本满意、不满意。请在相应栏目打勾并寄回。\n"
    result = draft.extract_text(text, "text", REGIONS)
    assert "- 2 -" not in result.text and "第 2 页" not in result.text
    assert (result.values["agency"], result.values["reply_date"]) == ("昆明市西山区民政局", "2023-05-31")
    assert any("页码" in str(n["reason"]) for n in result.notes)


def test_category_with_its_meaning_in_brackets() -> None:
    assert extract(head="关于政协西山区第十届三次会议第0087号提案的答复\n办理类别：A（已解决）").values["category"] == "A"


def test_seal_line_under_the_signature() -> None:
    text = LETTER.format(head="关于政协西山区第十届三次会议第0087号提案的答复", date="2023年5月31日\n（盖章）")
    result = draft.extract_text(text, "text", REGIONS)
    assert (result.values["agency"], result.values["reply_date"]) == ("昆明市西山区民政局", "2023-05-31")


def test_category_and_disclosure_on_one_line() -> None:
    result = extract(head="关于政协西山区第十届三次会议第0087号提案的答复\n类别：A类 公开属性：主动公开")
    assert (result.values["category"], result.values["disclosure"]) == ("A", "公开")


def test_written_date_is_not_the_publication_date() -> None:
    result = extract(head="成文日期：2023-05-31\n关于政协西山区第十届三次会议第0087号提案的答复")
    assert result.values["published_date"] is None


def test_long_navigation_before_the_letter() -> None:
    nav = "\n".join(f"栏目{i}" for i in range(120)) + "\n网站地图\n"
    text = nav + LETTER.format(head="关于政协西山区第十届三次会议第0087号提案的答复", date="2023年5月31日")
    result = draft.extract_text(text + "主办单位：昆明市西山区人民政府\n", "text", REGIONS)
    assert result.values["proposers"] == ["张三"]
    assert (result.values["agency"], result.values["reply_date"]) == ("昆明市西山区民政局", "2023-05-31")


@pytest.mark.parametrize("head, kind", [
    ("关于政协西山区第十届三次会议第0087号提案的答复", "提案"),
    ("关于政协西山区第十届三次会议加强社区治理的建议的答复", "提案"),  # a CPPCC member's proposal titled 建议
    ("关于西山区第十六届人大四次会议第1号议案答复的函", "议案"),
    ("关于西山区第十六届人大四次会议第1号提案的答复", None),  # contradiction: left empty
])
def test_kind_agrees_with_the_assembly(head: str, kind: str | None) -> None:
    assert extract(head=head).values["proposal_kind"] == kind


@pytest.mark.parametrize("page_name", ["关于政协西山区第十届三次会议第0087号提案的答复_昆明市西山区人民政府",
                                       "关于政协西山区第十届三次会议第0087号提案的答复-太阳城集团官网"])
def test_title_from_the_page_name(page_name: str) -> None:
    text = LETTER.format(head=page_name, date="2023年5月31日")
    assert draft.extract_text(text, "text", REGIONS).values["title"] == "关于政协西山区第十届三次会议第0087号提案的答复"


def test_page_name_keeps_a_hyphenated_number() -> None:
    text = LETTER.format(head="关于政协西山区第十届三次会议第2022-92号提案的答复_昆明市西山区人民政府", date="2023年5月31日")
    result = draft.extract_text(text, "text", REGIONS)
    assert result.values["title"] == "关于政协西山区第十届三次会议第2022-92号提案的答复"
    assert result.values["proposal_number"] == "2022-92"


def test_organisation_salutation_before_a_plain_opening() -> None:
    text = LETTER.format(head="关于政协西山区第十届三次会议第0087号提案的答复", date="2023年5月31日")
    text = text.replace("尊敬的张三委员：\n您提出的", "九三学社西山区委：\n根据区政协交办，贵委提出的")
    result = draft.extract_text(text, "text", REGIONS)
    assert (result.values["proposers"], result.values["proposer_role"]) == (["九三学社西山区委"], "组织")


def test_relative_assembly_is_a_noted_decision() -> None:
    result = extract(head="关于区政协十届三次会议第0087号提案的答复")
    assert result.values["assembly"] == "政协昆明市西山区委员会"
    assert {"field": "assembly", "kind": "decision", "original": "区政协", "value": "政协昆明市西山区委员会",
            "reason": "答复单位在昆明市西山区，“区政协”即政协昆明市西山区委员会。"} in result.notes


def test_bingtuan_abbreviation_without_the_full_name_is_kept_and_warned() -> None:
    """Issue 12: 师市民政局 with no page metadata to read it in full: kept as signed, with a warning."""
    text = LETTER.format(head="关于五家渠市四届人大二次会议第15号建议的答复", date="2022年6月24日")
    result = draft.extract_text(text.replace("昆明市西山区民政局", "师市民政局"), "text", REGIONS)
    assert result.values["agency"] == "师市民政局"
    assert result.values["region_code"] is None
    assert any("师市" in w and "in full" in w for w in result.warnings)


def test_bingtuan_abbreviation_is_read_in_full_from_the_publisher() -> None:
    text = LETTER.format(head="发布机构：第六师五家渠市民政局\n关于五家渠市四届人大二次会议第15号建议的答复",
                         date="2022年6月24日")
    result = draft.extract_text(text.replace("昆明市西山区民政局", "师市民政局"), "text", REGIONS)
    assert (result.values["agency"], result.values["region_code"]) == ("第六师五家渠市民政局", "659004")
    assert result.values["assembly"] == "五家渠市人民代表大会"


def test_publisher_is_not_taken_from_a_spam_or_non_agency_source() -> None:
    text = LETTER.format(head="来源：澳门新葡京娱乐场管理局\n关于市政协十四届二次会议第1号提案的答复", date="2023年5月31日")
    lines = [line for line in text.split("\n") if line != "昆明市西山区民政局"]
    result = draft.extract_text("\n".join(lines), "text", REGIONS)
    assert result.values["agency"] is None


@pytest.mark.parametrize("where, value", [("head", "2023-06-02"), ("foot", None)])
def test_updated_date_is_the_pages_only_above_the_letter(where: str, value: str | None) -> None:
    """Issue 12: 更新时间:YYYY/MM/DD under the page's heading is its publication; the site footer's is not."""
    head = "关于政协西山区第十届三次会议第0087号提案的答复"
    text = LETTER.format(head=("更新时间：2023/06/02\n" + head) if where == "head" else head, date="2023年5月31日")
    if where == "foot":
        text += "网站地图\n更新时间：2023/06/02\n"
    assert draft.extract_text(text, "text", REGIONS).values["published_date"] == value


def test_publisher_in_the_site_footer_is_not_the_agency() -> None:
    text = LETTER.format(head="关于市政协十四届二次会议第1号提案的答复", date="2023年5月31日")
    text = text.replace("昆明市西山区民政局\n", "") + "上一篇：关于市政协十四届二次会议第2号提案的答复\n信息来源：昆明市人民政府办公室\n"
    assert draft.extract_text(text, "text", REGIONS).values["agency"] is None
