"""The body cleaner on pages in scripts without capitals or spaces between words: Chinese and
Japanese (a character a word, sentences ended by full-width marks and no space), Korean and
Arabic (no capitals to tell a menu by). Pages written for these tests, laid out as news sites
in those languages lay theirs out: a menu, share buttons, the headline, a dateline, the
article, a box of related links, the footer."""

from __future__ import annotations

import pytest

from chiptui.corpus.clean import clean_body

CHINESE = """\
首页 新闻 科技 财经 体育 娱乐 登录 注册
分享到微信 分享到微博
英伟达发布新一代人工智能芯片
2023年3月21日 10:30 来源：新华网 作者：张伟
英伟达公司周二在加利福尼亚州圣何塞举行的年度开发者大会上发布了新一代人工智能芯片，该公司表示，新芯片的训练速度比上一代产品快四倍，能耗却降低了一半。
公司首席执行官黄仁勋在主题演讲中说，生成式人工智能正在改变每一个行业，企业需要更强大的计算能力来训练和运行大型语言模型。他表示，新芯片将于今年晚些时候向云服务提供商供货。
分析人士认为，这款芯片将进一步巩固英伟达在数据中心市场的领先地位。不过，也有专家指出，美国对华出口管制可能会影响该公司在中国市场的销售。
据悉，微软、谷歌和亚马逊等公司已经表示将在其云平台上部署新芯片。英伟达股价当天上涨了百分之三。
相关新闻
英伟达市值突破万亿美元
人工智能芯片需求激增
责任编辑：李明
版权所有 © 2023 新华网 保留所有权利
"""
CHINESE_TITLE = "英伟达发布新一代人工智能芯片"

JAPANESE = """\
ホーム ニュース 経済 政治 国際 スポーツ ログイン
この記事をシェア ツイート
トヨタ、全固体電池の量産を2027年に開始へ
2023年6月13日 18:05 共同通信
トヨタ自動車は13日、次世代の電気自動車向けに全固体電池の量産を2027年にも始めると発表した。充電時間は10分以下に短縮できるという。
同社の幹部は記者会見で「電池の技術で業界をリードしたい」と述べた。航続距離は現在の約2倍になる見通しだ。
関連記事
トヨタ、EV戦略を見直し
全固体電池とは何か
専門家は、量産にはまだ課題が多いと指摘している。コストの削減が鍵になるとみられ、部品メーカーとの協力も進める。
同社は国内の工場に新たな生産ラインを設ける計画で、投資額は数千億円規模になる見込みだ。政府も補助金で開発を後押しする方針を示している。
人気記事
1 日経平均が反落
2 円安が進む
© 2023 共同通信社 無断転載禁止
"""
JAPANESE_TITLE = "トヨタ、全固体電池の量産を2027年に開始へ"

KOREAN = """\
홈 뉴스 정치 경제 사회 국제 문화 스포츠
공유하기 페이스북 트위터 카카오톡
삼성전자, 3나노 반도체 양산 시작
입력 2022.06.30 10:00 수정 2022.06.30 11:20 김철수 기자
삼성전자가 세계 최초로 3나노미터 공정을 적용한 반도체 양산을 시작했다고 30일 밝혔다. 이번 공정은 기존 5나노 공정보다 전력 효율이 45% 향상됐다.
회사 관계자는 "차세대 기술로 파운드리 시장에서 경쟁력을 높일 것"이라고 말했다. 업계는 대만 TSMC와의 경쟁이 더욱 치열해질 것으로 보고 있다.
관련기사
삼성, 파운드리 투자 확대 계획 발표
많이 본 뉴스
저작권자 © 한국일보 무단전재 및 재배포 금지
"""
KOREAN_TITLE = "삼성전자, 3나노 반도체 양산 시작"

ARABIC = """\
الرئيسية أخبار اقتصاد رياضة ثقافة تكنولوجيا تسجيل الدخول
شارك على فيسبوك شارك على تويتر واتساب
السعودية تطلق أكبر مشروع للطاقة الشمسية في المنطقة
الرياض - 15 مارس 2023
أعلنت المملكة العربية السعودية اليوم عن إطلاق أكبر مشروع للطاقة الشمسية في الشرق الأوسط، بقدرة تصل إلى ألفي ميغاواط. ويهدف المشروع إلى تنويع مصادر الطاقة في البلاد.
وقال وزير الطاقة في مؤتمر صحفي إن المشروع سيوفر آلاف الوظائف للشباب السعودي. وأضاف أن العمل سيبدأ في الربع الثالث من العام الجاري.
اقرأ أيضا
مصر توقع اتفاقية جديدة للغاز الطبيعي مع شركات أوروبية كبرى
جميع الحقوق محفوظة © 2023
"""
ARABIC_TITLE = "السعودية تطلق أكبر مشروع للطاقة الشمسية في المنطقة"


def _lines(page: str, *starts: str) -> list[str]:
    return [next(line for line in page.splitlines() if line.startswith(start)) for start in starts]


PAGES = [
    ("chinese", CHINESE, CHINESE_TITLE, _lines(CHINESE, "英伟达公司", "公司首席", "分析人士", "据悉")),
    ("japanese", JAPANESE, JAPANESE_TITLE, _lines(JAPANESE, "トヨタ自動車は", "同社の幹部", "専門家は", "同社は国内")),
    ("korean", KOREAN, KOREAN_TITLE, _lines(KOREAN, "삼성전자가", "회사 관계자는")),
    ("arabic", ARABIC, ARABIC_TITLE, _lines(ARABIC, "أعلنت", "وقال")),
]


@pytest.mark.parametrize("with_title", [True, False], ids=["with its title", "without a title"])
@pytest.mark.parametrize(("name", "page", "title", "expected"), PAGES, ids=[name for name, *_ in PAGES])
def test_the_article_and_nothing_else(name: str, page: str, title: str, expected: list[str], with_title: bool) -> None:
    """Before, a Chinese or Japanese page gave an empty body (a paragraph was one or two
    "words", too short to keep) or its menu (without a title); Korean and Arabic kept their
    menus and share buttons as paragraphs. The Japanese page has a box of related links in the
    middle, with more article after it."""
    assert clean_body(page, title if with_title else None) == expected


def test_chinese_and_japanese_sentences_are_joined_without_a_space() -> None:
    """A paragraph is split into sentences and joined again: no space appears after 。, as
    it would between two English sentences."""
    body = clean_body(JAPANESE, JAPANESE_TITLE)
    assert "。 " not in "".join(body)
    assert body[0] == _lines(JAPANESE, "トヨタ自動車は")[0]


def test_a_caseless_line_without_a_closing_mark_is_kept_only_between_paragraphs() -> None:
    """A Korean or Arabic menu of seven words has no capitals to be told by: a line without a
    closing mark is a heading or a menu there, dropped at the edges of the article."""
    menu = "홈 뉴스 정치 경제 사회 국제 문화 스포츠 연예"
    para = _lines(KOREAN, "삼성전자가")[0]
    assert clean_body(f"{menu}\n{para}\n{menu}", None) == [para]


def test_thai_paragraphs_without_closing_marks_are_still_kept() -> None:
    """Thai ends a sentence with a space, not a mark: its paragraphs are not taken for menus
    (as Chinese or Korean lines without a closing mark are). Its menus are not told apart yet:
    its vowel signs split its words, so a menu line counts as many words."""
    para = (
        "รัฐบาลประกาศแผนลงทุนโครงสร้างพื้นฐานมูลค่าหลายแสนล้านบาท เพื่อกระตุ้นเศรษฐกิจหลังการระบาด "
        "โดยจะเริ่มก่อสร้างรถไฟความเร็วสูงสายใหม่ในปีหน้า นักเศรษฐศาสตร์คาดว่าจะสร้างงานได้หลายหมื่นตำแหน่ง "
        "และช่วยลดต้นทุนการขนส่งสินค้าในภูมิภาค"
    )
    para_2 = (
        "กระทรวงคมนาคมระบุว่า โครงการนี้จะเชื่อมต่อกรุงเทพฯ กับจังหวัดทางภาคเหนือ และคาดว่าจะแล้วเสร็จภายในห้าปี "
        "ผู้ประกอบการในพื้นที่ต่างแสดงความยินดี แม้บางส่วนยังกังวลเรื่องการเวนคืนที่ดิน"
    )
    assert clean_body(f"{para}\n{para_2}", None) == [para, para_2]
