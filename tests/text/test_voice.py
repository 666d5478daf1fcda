"""Voice attribution on short synthetic text written for the tests: which stretch is the outlet's own
words, and which is quoted, reported or attributed speech, with the speaker and its source type."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core import tables
from analysis.core.study import Actor
from analysis.text import voice
from analysis.text.prepare import split_sentences


def voices_of(text: str, actors=()) -> pd.DataFrame:
    articles = pd.DataFrame({"doc_id": ["d"], "outlet": ["Wire"], "text": [text]})
    return voice.voice_spans(articles, split_sentences(articles), actors=actors)


def voice_of(text: str, phrase: str, actors=()) -> tuple[str, str, str]:
    """(voice, speaker, speaker_type) at the first occurrence of ``phrase``."""
    spans = voices_of(text, actors)
    found = voice.voice_at(spans, ["d"], [text.index(phrase)]).iloc[0]
    return found["voice"], found["speaker"], found["speaker_type"]


@pytest.mark.parametrize("text, phrase, expected", [
    # the outlet's own sentence
    ("The US blacklisted 28 Chinese entities over human rights abuses.", "human rights", "outlet"),
    # a direct quote, straight and typographic marks
    ('"This is gross interference in our internal affairs," Geng Shuang said.', "interference", "quoted"),
    ("“This is gross interference in our internal affairs,” Geng Shuang said.", "interference", "quoted"),
    # a quote closed with two apostrophes, and one the page cut off
    ("The ministry said ''this is gross interference in China's affairs'' on Tuesday.", "interference", "quoted"),
    ('Geng said: "This is gross interference in our internal affairs and\nThe next paragraph.', "interference",
     "quoted"),
    # guillemets
    ("Le ministère a dit «une ingérence grossière dans nos affaires» mardi.", "ingérence", "quoted"),
    # reported speech: preposed, postposed, inverted, headline
    ("China's foreign ministry said the sanctions were interference in its internal affairs.", "interference",
     "reported"),
    ("The sanctions were interference in China's internal affairs, a foreign ministry spokesman said on Tuesday.",
     "interference", "reported"),
    ("The sanctions were interference in China's internal affairs, said Geng Shuang, a ministry spokesman.",
     "interference", "reported"),
    ("China says US sanctions are interference in its internal affairs", "interference", "reported"),
    # attribution without a speech report
    ("According to the Commerce Department, the firms were implicated in human rights violations.",
     "human rights", "attributed"),
    ("The firms were implicated in human rights violations, according to the Commerce Department.",
     "human rights", "attributed"),
    ("Analysts argue the ban will hurt the trade talks badly.", "trade talks", "attributed"),
    # a participle clause: the sentence's subject speaks
    ("The ministry issued a statement on Tuesday, saying the sanctions were unjustified and harmful.",
     "unjustified", "reported"),
])
def test_voice_of_a_cue(text, phrase, expected):
    assert voice_of(text, phrase)[0] == expected


@pytest.mark.parametrize("text, phrase, expected, speaker", [
    # a postposed tag whose subject carries a relative clause
    ("The new tariffs derail the talks, the State Council Tariff Committee, which oversees retaliation, said in a "
     "short statement.", "derail", "reported", "the State Council Tariff Committee"),
    # the participle clause after a speech tag goes on in the speaker's words, past a time phrase
    ("“There is a loophole,” Commerce Secretary Wilbur Ross told Fox Business on Friday, calling the rule change "
     "a fix for national security.", "national security", "reported", "Commerce Secretary Wilbur Ross"),
    # "..., and said" shares a subject made of common nouns
    ("China's commerce ministry expressed regret at the filing, and said China protects the legal rights of owners.",
     "legal rights", "reported", "China's commerce ministry"),
])
def test_reported_speech_with_relative_clauses_participles_and_shared_subjects(text, phrase, expected, speaker):
    assert voice_of(text, phrase)[:2] == (expected, speaker)



@pytest.mark.parametrize("text, phrase", [
    # the attribution tag itself is the outlet's
    ("Foreign ministry spokesman Geng Shuang said the move was interference in its affairs.", "spokesman"),
    # a noun object of "announced" is not reported speech; "announced ... that" is
    ("Trump announced the tariffs set for September and December.", "tariffs"),
    # a term between quote marks that names something is a mention, not a quote
    ('The company was added to the Commerce Department\'s "entity list" last year.', "entity list"),
    # "warns of" takes a noun, not a clause
    ("China warns of countermeasures against the new law on Xinjiang.", "countermeasures"),
])
def test_outlet_words_stay_the_outlets(text, phrase):
    assert voice_of(text, phrase)[0] == "outlet"


def test_stretches_never_overlap_and_a_new_clause_ends_reported_speech():
    text = "According to the ministry, the tariffs are unfair to farmers, Zhao said, adding that talks would go on."
    spans = voices_of(text).sort_values("start")
    assert (spans["start"].iloc[1:].to_numpy() >= spans["end"].iloc[:-1].to_numpy()).all()
    assert voice_of(text, "According")[0] == "outlet" and voice_of(text, "unfair")[1] == "Zhao"
    text = "China said it mistreats nobody in the region, and the State Department says forced labour is rampant."
    assert voice_of(text, "mistreats")[1] == "China"
    assert voice_of(text, "forced labour")[1] != "China"


def test_scare_quotes_are_listed_but_keep_the_voice_around_them():
    text = 'The company was added to the Commerce Department\'s "entity list" last year.'
    spans = voices_of(text)
    assert spans["voice"].tolist() == ["scare_quote"]
    found = voice.voice_at(spans, ["d"], [text.index("entity")]).iloc[0]
    assert found["voice"] == "outlet" and found["scare_quoted"]
    # a short quote after a naming verb is the speaker's words
    assert voice_of('Beijing called the move "gross interference" on Tuesday.', "gross")[0] == "quoted"


def test_speakers_are_resolved_and_typed():
    text = ("Commerce Secretary Wilbur Ross announced the listing on Monday. "
            "The secretary said the firms were implicated in human rights violations in Xinjiang. "
            '"We will take all necessary measures," a Chinese foreign ministry spokesman said.')
    v, speaker, kind = voice_of(text, "implicated")
    assert (v, kind) == ("reported", "us_government") and "Ross" in speaker
    v, speaker, kind = voice_of(text, "necessary measures")
    assert (v, kind) == ("quoted", "chinese_government")
    # a study actor's own source type wins over the rules
    hik = Actor(name="Hikvision", type="company", aliases=("Hikvision",), source_type="company")
    assert voice_of("Hikvision said the decision lacked any factual basis at all.", "factual", (hik,))[2] == "company"


def test_headline_fragments_never_speak():
    text = "China Blasts US Over Blacklist\nThe listing came on Monday, officials said."
    spans = voices_of(text)
    assert not (spans["speaker"] == "China Blasts").any()


def test_sentence_voice_is_the_majority_by_characters():
    articles = pd.DataFrame({"doc_id": ["d"], "outlet": ["Wire"], "text": [
        "The US listed 28 firms on Monday. "
        '"This is a blatant interference in China\'s internal affairs and we firmly oppose it," Geng said.']})
    sentences = split_sentences(articles)
    out = voice.sentence_voice(voice.voice_spans(articles, sentences), sentences)
    assert out.columns.tolist() == tables.schema("sentence_voice").names
    assert out["voice"].tolist() == ["outlet", "quoted"]
    assert out["outlet_share"].iloc[0] == 1.0 and out["outlet_share"].iloc[1] < 0.3
    assert out["speaker"].iloc[1] == "Geng"


def test_tables_are_typed_when_empty_and_reject_bad_options():
    empty = voices_of("")
    assert empty.columns.tolist() == tables.schema("voice_spans").names and len(empty) == 0
    with pytest.raises(ValueError, match="min_quote_words"):
        voice.voice_spans(pd.DataFrame({"doc_id": [], "outlet": [], "text": []}),
                          pd.DataFrame({"doc_id": [], "sent_id": [], "start": [], "end": []}), min_quote_words=0)


@pytest.mark.parametrize("text, phrase, expected", [
    # a stance taken by an act: its object is the party's position
    ("Each side has blamed the other, and Trump has threatened billions more in tariffs.", "tariffs", "attributed"),
    ("But Trump has shown no signs of relenting, threatening to impose further tariffs on Mexico.", "tariffs",
     "attributed"),
    ("Over the weekend, China pushed back at the perception that the tariffs are hurting its economy.", "economy",
     "attributed"),
    ("The exile group thanked the president for signing the law on Tuesday.", "law", "attributed"),
    # ... but not two parties' threats against each other, a thing that "threatens", or what a law provides
    ("Washington and Beijing have threatened to impose tariffs on each other's goods.", "tariffs", "outlet"),
    ("That weighs on trade and threatens to depress global economic growth this year.", "economic", "outlet"),
    ("The act calls for sanctions against officials involved in the camps.", "officials", "outlet"),
    # the position ends where a clause of time begins
    ("China threatened retaliation after Trump signed a law on the repression of Uighurs.", "repression", "outlet"),
    ("China threatened harsh retaliation after Trump signed a law on the repression of Uighurs.", "harsh",
     "attributed"),
    # a demand or warning aimed at something reports speech, progressive forms too
    ("American lawmakers have called for a strong response to new restrictions in Hong Kong.", "restrictions",
     "reported"),
    ("Members of the administration have been warning against surveillance risks posed by China.", "surveillance",
     "reported"),
    # a time phrase right after the verb is not a preposition's object
    ("Treasury Secretary Steven Mnuchin said on Saturday the talks should change China's economy.", "economy",
     "reported"),
    # a postposed tag of a document's conclusion
    ("China broke federal law for years, an expert review of its filings concluded.", "federal law", "attributed"),
    # a paraphrase that runs into a partial quote before an inverted tag is the speaker's
    ('Companies disagree with tariff hikes but "are supportive of the idea in the short term," said Greg Gilligan, '
     'a business leader.', "tariff", "reported"),
    # ... and a quote after a colon stays apart from the outlet's lead-in
    ('The chamber released a statement on Friday: "The new tariffs are a mistake," said Gilligan.', "statement",
     "outlet"),
    # "said" followed by a clause with a finite verb is preposed, not an inverted tag: the appositive is the outlet's
    ("Joshua Rosenstein, a disclosure lawyer at a firm, said the paper's failure to report ads was a violation.",
     "lawyer", "outlet"),
    ("Joshua Rosenstein, a disclosure lawyer at a firm, said the paper's failure to report ads was a violation.",
     "violation", "reported"),
    # a quoted name (a bill, a filing's category) is a mention, not speech
    ('The filing lumps all expenditures under "Total Cost of Goods Sold" and one other line.', "Cost", "outlet"),
    ('The "Hong Kong Human Rights and Democracy Act" requires a yearly review of autonomy.', "Human Rights",
     "outlet"),
    # a short quote after "claims" is someone's words
    ('China complained about the app, which it claims promotes "illegal behavior."', "illegal", "quoted"),
    # the outlet's glosses inside reported words: an aside between dashes, a descriptor before a name
    ("Washington has stressed that the company—founded in 1987 by a former army engineer—is an arm of the state.",
     "engineer", "outlet"),
    ("Washington has stressed that the company—founded in 1987 by a former army engineer—is an arm of the state.",
     "arm of", "reported"),
    ("The administration reached a deal that will put Chinese telecommunications giant ZTE back in business, "
     "according to a source familiar with the matter.", "telecommunications", "outlet"),
    ("The administration reached a deal that will put Chinese telecommunications giant ZTE back in business, "
     "according to a source familiar with the matter.", "back in business", "attributed"),
])
def test_stances_demands_postposed_tags_names_and_glosses(text, phrase, expected):
    assert voice_of(text, phrase)[0] == expected


@pytest.mark.parametrize("text, phrase, expected", [
    # an embedded post: its text is the poster's words though no quote marks surround it; the signature is not
    ("Intro line.\nTalks on who pays the tariffs with China #FNS pic.twitter.com/abc — FoxNewsSunday "
     "(@FoxNewsSunday) May 12, 2019\nMore text.", "tariffs", ("quoted", "FoxNewsSunday")),
    ("Intro line.\nThe convenor was attacked again! — Civil Human Rights Front (@chrf_hk) October 16, 2019",
     "Human Rights", ("outlet", "")),
    # a view held "by" someone, a finding, possessed claims
    ("Tencent is considered by many experts to be a surveillance arm of the party.", "surveillance",
     ("attributed", "many experts")),
    ("Citizen Lab also found in March that WeChat had been censoring keywords.", "censoring",
     ("attributed", "Citizen Lab")),
    ("Hard-liners resist Washington's demands that China make changes to its laws.", "laws",
     ("attributed", "Washington")),
    ("He was asked about U.S. firms' complaints that clearance was slow since the start of the trade war.",
     "trade war", ("attributed", "U.S. firms")),
    # stances: laying blame, being critical of; a passive takes none
    ("China has laid the blame squarely on the United States for the breakdown of trade talks.", "trade talks",
     ("attributed", "China")),
    ("Beijing has been increasingly critical of Washington over the breakdown of the trade talks.", "trade talks",
     ("attributed", "Beijing")),
    ("Tension rose over an attack on oil facilities blamed on Iran by the United States.", "Iran", ("outlet", "")),
    # speech: base forms, announcements with a pronoun clause, a participle after a demand, naming, a group
    ("Mr. Trump continued to insist that his approach would benefit the economy.", "economy",
     ("reported", "Mr. Trump")),
    ("The ministry announced it would raise tariffs on American goods.", "tariffs", ("reported", "the ministry")),
    ("China vowed to fight back, announcing it would increase its own tariffs on goods.", "tariffs",
     ("reported", "China")),
    ("The government called for an end to the violence, saying it had stopped work on the extradition bill.",
     "extradition", ("reported", "the government")),
    ("Ted Cruz and Josh Hawley called for a ban because of the alleged national security risks.",
     "national security", ("reported", "Josh Hawley")),
    ("China called looming U.S. tariffs a violation of accords reached by the two presidents.", "tariffs",
     ("reported", "China")),
    ("Many have called for China to face economic consequences, including sanctions.", "economic",
     ("reported", "many")),
    ("On Friday Beijing said it planned to publish a list of firms on national security grounds.",
     "national security", ("reported", "Beijing")),
    # the outlet's own words stay its own
    ("The committee called the new tariffs on Monday.", "tariffs", ("outlet", "")),
    # an appeal reports its infinitive, as "urged Congress to" does (before the fourteenth round: outlet)
    ("He called on Congress to pass the tariffs bill soon.", "tariffs", ("reported", "He")),
    ("The committee called on Monday for the tariffs to end.", "tariffs", ("reported", "The committee")),
    ("Kudlow made the acknowledgement after Wallace pressed him on the fact that China exports goods.", "exports",
     ("outlet", "")),
    ("“Both sides will pay,” Larry Kudlow, one of Trump’s top economic advisers, told Fox News on Sunday.",
     "economic", ("outlet", "")),
    ("Beijing denies interfering, but for many residents, the extradition bill is a step toward control.",
     "extradition", ("outlet", "")),
    ("The Trump administration is considering higher tariffs on all remaining imports.", "tariffs", ("outlet", "")),
])
def test_positions_posts_and_speech_without_a_said_tag(text, phrase, expected):
    found = voice_of(text, phrase)
    assert (found[0], found[1].lower()) == (expected[0], expected[1].lower())


@pytest.mark.parametrize("text, phrase, expected", [
    # speech verbs without "said": "emphasized that", "has spoken out against"
    ("A ministry spokeswoman emphasized that Beijing wants every extra tariff cancelled before a deal.", "tariff",
     "reported"),
    ("The senator has spoken out against forced labor in the cotton industry.", "forced labor", "reported"),
    # where and when the tag was said, however long, belong to the tag; "that" then opens the content even
    # before a preposition
    ("The chief executive said in a call with analysts on Monday that demand for its chips is weak.", "analysts",
     "outlet"),
    ("The chief executive said in a call with analysts on Monday that demand for its chips is weak.", "chips",
     "reported"),
    ("The secretary told reporters that about half of the trade deal was already written.", "trade deal",
     "reported"),
    # a refused speech act reports nothing
    ("The minister declined to say what would happen to the tariffs on steel.", "tariffs", "outlet"),
    ("The envoy would not say whether the sanctions would be lifted soon.", "sanctions", "outlet"),
    # an opening "As X writes," tags the rest of the sentence
    ("As the Financial Times writes, the disputes include export rules on chips and visas for students.",
     "export rules", "reported"),
    # speech inside an opening subordinate clause ends with the clause
    ("While the president has said a deal is close, the gap between the two economies will slow the talks.",
     "deal is close", "reported"),
    ("While the president has said a deal is close, the gap between the two economies will slow the talks.",
     "economies", "outlet"),
    # "countered by threatening" is a stance taken by an act; "responded by telling" still reports speech
    ("The ministry countered by threatening tariffs on soybeans and aircraft from the United States.", "soybeans",
     "attributed"),
    ("The White House responded by telling Beijing to cut its trade surplus by half this year.", "trade surplus",
     "reported"),
    # the writer's gloss after a dash that follows a speech tag
    ('"Many people could have been hurt," the player said — speaking of the post, not of the human rights abuses.',
     "human rights", "outlet"),
    # a finding with its holder after "by": attributed; the holder's name is the outlet's
    ("He doubted the finding by the intelligence agencies that Moscow meddled in the vote.", "meddled",
     "attributed"),
    ("He doubted the finding by the intelligence agencies that Moscow meddled in the vote.", "intelligence",
     "outlet"),
])
def test_speech_without_said_tags_in_clauses_and_findings(text, phrase, expected):
    assert voice_of(text, phrase)[0] == expected


@pytest.mark.parametrize("text, phrase, expected", [
    # promises and appeals report their infinitive; a threat stays a stance
    ("The president has vowed to impose a blanket tariff on everything bought from China.", "blanket tariff",
     "reported"),
    ("Retailers had urged the White House to consider the effects of the tariffs on shoppers.", "tariffs",
     "reported"),
    ("The secretary announced plans to host trade negotiations with his counterparts next month.",
     "trade negotiations", "reported"),
    ("The president has threatened to impose tariffs on cars from Europe this year.", "tariffs", "attributed"),
    # the terms of an agreement are no one's speech
    ("The city returned under a treaty in which it promised to keep the economic system for fifty years.",
     "economic system", "outlet"),
    # subjects behind a relative clause, an adverb or an opening adverbial
    ("In May, even China, which had resisted for years, announced it was cutting tariffs on imported cars.",
     "tariffs", "reported"),
    ("The industry has widely pushed back against the use of tariffs to force changes in trade policy.", "tariffs",
     "attributed"),
    ("More recently it pledged to soon reduce tariffs on a range of consumer goods.", "tariffs", "reported"),
    # "said that" after an appositive is no inverted tag; a tag in mid-sentence before "because"
    ("Jane Doe, an analyst at Acme, a data firm, said that most imports from China come by sea.", "imports",
     "reported"),
    ("Most of the new tariffs will hit goods that come by sea, he said, because phones come by air.", "tariffs",
     "reported"),
    # "even as" opens the writer's contrast; a second tag in it still reports
    ("The ministry said it must confront the rival even as higher tariffs hurt shoppers.", "tariffs", "outlet"),
    ("He has kept his shares for years, even as he has described the firm as a threat to national security.",
     "national security", "reported"),
    # the writer's descriptors: a closing dash appositive, and one after a name
    ("According to the paper, the bill would freeze the review — a process the agency goes through before imposing "
     "tariffs.", "tariffs", "outlet"),
    ("He said he had no contact with Liu He, the vice premier and top trade negotiator, since early May.",
     "trade negotiator", "outlet"),
])
def test_promises_appeals_subjects_and_the_writers_descriptors(text, phrase, expected):
    assert voice_of(text, phrase)[0] == expected


@pytest.mark.parametrize("text, phrase, expected", [
    # unnamed groups speak ("economists argue"), and an -ed word after a determiner is an adjective
    ("Sanctions may hurt Hong Kong more than Beijing, economists argue.", "Hong Kong", ("attributed", "economists")),
    ("Opponents of the proposed law believe it will silence free speech.", "free speech",
     ("attributed", "Opponents of the proposed law")),
    ("Amnesty and former inmates say the camps are prisons.", "prisons", ("reported", "Amnesty and former inmates")),
    # a plural subject's verb forms report speech, but not as an infinitive or an imperative
    ("Rights groups accuse Beijing of detaining a million Uighurs.", "Uighurs", ("reported", "Rights groups")),
    ("Critics warn that the tariffs will hurt farmers.", "farmers", ("reported", "Critics")),
    ("She asked Warren to explain the tariffs plan to voters.", "tariffs", ("outlet", "")),
    ("Don't complain about the tariffs, or you will be called names.", "tariffs", ("outlet", "")),
    ("Analysts will confirm the tariffs figures next week.", "tariffs", ("outlet", "")),
    # a passive's subject did not speak; an impersonal "it was argued" still reports someone's words
    ("The tariffs deal was announced Friday by the White House.", "tariffs", ("outlet", "")),
    ("Huawei has been accused of stealing trade secrets from its rivals.", "trade secrets", ("outlet", "")),
    # speech verbs that take an object as often as a clause report only before "that"
    ("The company admitted that it had sold cameras to the police.", "police", ("reported", "The company")),
    ("He admitted himself into the hospital near the tariffs office.", "tariffs", ("outlet", "")),
    ("Trump boasted that the tariffs were bringing in billions.", "billions", ("reported", "Trump")),
    ("North Korea bragged Wednesday about the success of its missile test.", "missile", ("outlet", "")),
    ("Beijing has signaled that it is willing to resume trade talks.", "trade talks", ("attributed", "Beijing")),
    ("The president has made clear that he will not lift the tariffs.", "tariffs", ("reported", "The president")),
    ("Geng Shuang told a regular briefing that the US should stop meddling.", "meddling",
     ("reported", "Geng Shuang")),
    ("Geng Shuang told a regular briefing that the US should stop meddling.", "briefing", ("outlet", "")),
    ("Mnuchin assured lawmakers that a trade deal was close.", "trade deal", ("reported", "Mnuchin")),
    # stances taken by acts are attributed; greetings, passives and a reduced passive are not
    ("The ministry blamed Washington for the escalation of the trade war.", "trade war",
     ("attributed", "The ministry")),
    ("China welcomed the decision to delay the tariffs.", "tariffs", ("attributed", "China")),
    ("The president welcomed Mr. Xi to the White House for tariffs talks.", "tariffs", ("outlet", "")),
    ("Trump's announcement -- welcomed Monday by Beijing -- eased fears over tariffs.", "tariffs", ("outlet", "")),
    ("The camps, an attack blamed on Iran by the US, raised fears over tariffs.", "tariffs", ("outlet", "")),
    ("Democrats opposed to the tariffs spoke at the rally.", "tariffs", ("outlet", "")),
    # a stance ends where the same subject goes on to speak
    ("Hikvision opposes the decision and said the sanctions were unfair.", "sanctions", ("reported", "Hikvision")),
    # a stated view or a held position; data state none, and "states" speaks only before "that"
    ("In Beijing's view, the sanctions are interference in its affairs.", "interference", ("attributed", "Beijing")),
    ("Human rights groups have long held that the camps are prisons.", "prisons",
     ("attributed", "Human rights groups")),
    ("The revised numbers showed that tariffs hurt growth.", "growth", ("outlet", "")),
    ("Voters in battleground states worry about tariffs.", "tariffs", ("outlet", "")),
    ("A newsletter: Sign up for Morning Trade A speed read on tariffs news.", "tariffs", ("outlet", "")),
])
def test_group_speakers_plural_verbs_passives_stances_and_views(text, phrase, expected):
    found = voice_of(text, phrase)
    assert (found[0], found[1].lower()) == (expected[0], expected[1].lower())


@pytest.mark.parametrize("text, phrase, expected", [
    # a tag ending its line in a colon hands the items after it to its speaker, until a full paragraph of prose
    ("The groups said in their letter that the government should:\n\nabandon plans for the security law\n\n"
     "release the detained activists\n\nHuman Rights Watch has documented abuses for years.", "security law",
     ("reported", "The groups")),
    ("The groups said in their letter that the government should:\n\nabandon plans for the security law\n\n"
     "release the detained activists\n\nHuman Rights Watch has documented abuses for years.", "detained",
     ("reported", "The groups")),
    ("The groups emphasized that:\n\nthe law is vague\n\nits reach is broad.\n\nThe tariffs were raised on "
     "Friday by the administration.", "tariffs", ("outlet", "")),
    ('Trump said: "He paused for ten seconds." \n\nAdvertisement\n\nTo recap: the tariffs stay in place.',
     "tariffs", ("outlet", "")),
    # a title-case headline's capitalised verb
    ("Hong Kong Activists Say Extradition Bill Withdrawal Is Too Late", "Extradition",
     ("reported", "Hong Kong Activists")),
    ("China Warns U.S. Against Interference in Hong Kong", "Interference", ("reported", "China")),
    ("United States Trade Representative Office Opens New Tariffs Review", "Tariffs", ("outlet", "")),
    # an opening participle clause is the subject's; "as X claims" hands back the phrase before it
    ("Criticizing China's surveillance state, Pence held up Taiwan as a model.", "surveillance",
     ("attributed", "Pence")),
    ("Speaking to reporters on surveillance, Pence held up Taiwan as a model.", "surveillance", ("outlet", "")),
    ("The camps target religion, not just political extremism, as authorities claim, but prayer.", "extremism",
     ("attributed", "authorities")),
    ("The tariffs hurt farmers as he claimed that the deal would help them.", "deal", ("reported", "he")),
    # a postposed tag with the listener's role after it, without breaking a mid-sentence tag
    ("The law is an assault on human rights, more than 80 groups said today in a letter to Li Zhanshu, chairman "
     "of the Standing Committee.", "human rights", ("reported", "more than 80 groups")),
    ("On the other hand, Cassidy said, the stolen data would help criminals in the trade war.", "trade war",
     ("reported", "Cassidy")),
    ("The tariffs include duties on soybeans, the finance ministry told the AP in a statement.", "soybeans",
     ("reported", "the finance ministry")),
    # "indicated that" reports a speaker, not a statement; a signal is a position
    ("Last week, he indicated that a trade deal was unlikely this year.", "trade deal", ("reported", "he")),
    ("China's statement indicates that Beijing wants more tariffs cut, said Zhou Xiaoming.", "tariffs",
     ("reported", "Zhou Xiaoming")),
    ("China's state media signaled a lack of interest in resuming trade talks.", "trade talks",
     ("attributed", "China's state media")),
    ("The president declared a national emergency over the tariffs.", "tariffs", ("outlet", "")),
    ("The North declared Monday that it would withdraw from the trade talks.", "trade talks", ("reported", "The North")),
    # stances in relative clauses, "considers to be", a passive "said to be", views held by a modifier
    ("Mr. Trump, who has criticized China over its economic practices, has refrained from sanctions.", "economic",
     ("attributed", "Mr. Trump")),
    ("Officials moved against the tech giant, which the administration considers to be a national security threat.",
     "national security", ("attributed", "the administration")),
    ("The craft, said to be the size of a tariffs form, flew over Japan.", "tariffs", ("outlet", "")),
    ("It reflects government concerns that Chinese suppliers could pose an espionage threat.", "espionage",
     ("attributed", "government")),
    ("The move follows U.S. claims that Huawei helped Iran evade sanctions.", "sanctions", ("attributed", "U.S.")),
    ("Amid fears that the tariffs will rise, stocks fell on Monday.", "tariffs", ("outlet", "")),
    # a spaced-hyphen aside is the writer's; a subject past a parenthetical goes on speaking
    ("The sources said the report was filed on June 16 - the day after the extradition bill was shelved - and "
     "again in August.", "extradition", ("outlet", "")),
    ("Trump, via Twitter, held out hope for a truce but warned tariffs would return if talks failed.", "tariffs",
     ("reported", "Trump")),
    # plural forms that take things as subjects report only before "that"; a headline's conjunction ends its subject
    ("Rising costs explain the drop in exports since the tariffs.", "tariffs", ("outlet", "")),
    ("Economists explain that the tariffs hurt farmers.", "farmers", ("reported", "Economists")),
    ("Trade War Fears Grow As China Says No To Tariffs Talks", "Tariffs", ("reported", "China")),
])
def test_colon_lists_headlines_participles_and_other_speech_without_a_tag_before_it(text, phrase, expected):
    found = voice_of(text, phrase)
    assert (found[0], found[1].lower()) == (expected[0], expected[1].lower())


@pytest.mark.parametrize("text, phrase, expected", [
    # a list after a colon tag ends where the article's prose resumes or its furniture begins
    ("The groups said in their letter that the government should:\n\nabandon plans for the security law\n\n"
     "release the detained activists\n\nHuman Rights Watch has documented abuses in Xinjiang for years.", "Xinjiang",
     ("outlet", "")),
    ("The statement said:\n\nThe tariffs are a violation of WTO rules\n\nRelated coverage\n\n"
     "China hits back at US tariffs on soybeans", "soybeans", ("outlet", "")),
    ("Trump said on Twitter:\n\nStory continues below advertisement\n\nthe tariffs will stay until China agrees",
     "China agrees", ("reported", "Trump")),
    ("China's demands include:\n\nan end to the tariffs on its steel", "steel", ("outlet", "")),
    # a determiner before a holder's modifier makes "claims" the verb, not a held claim
    ("But the government claims that the camps are vocational schools.", "vocational", ("reported", "the government")),
    # a role after a mid-sentence tag that goes on with a verb is the speaker's next clause, not an appositive
    ("The economy slowed, Smith said, the chairman of the Fed raised tariffs anyway.", "tariffs",
     ("reported", "Smith")),
    # "signals" is a noun as often as a verb
    ("Economic signals suggest a slowdown in the trade war.", "trade war", ("outlet", "")),
])
def test_colon_lists_end_and_nouns_and_mid_sentence_tags_stay_apart(text, phrase, expected):
    found = voice_of(text, phrase)
    assert (found[0], found[1].lower()) == (expected[0], expected[1].lower())


VIEWS = ["Tencent is considered by many experts to be a surveillance arm of the party.",
         "Hard-liners resist Washington's demands that China make changes to its laws.",
         "He was asked about U.S. firms' complaints that clearance was slow since the start of the trade war.",
         "He doubted the finding by the intelligence agencies that Moscow meddled in the vote.",
         "It is widely seen by analysts as a bargaining chip.", "China’s claims against the firm were dropped.",
         "The assessment of the agency that it failed stands.", "Nothing by anyone's count that matters here.",
         "Beijing's long-standing complaint that Washington interferes is old.", "It was regarded by\tmost as done."]


def test_held_views_search_their_patterns_only_where_a_part_of_them_occurs(monkeypatch):
    import re

    from analysis.text import positions

    screened = [positions.held_views(s) for s in VIEWS]
    assert sum(map(bool, screened)) >= 6  # the sentences do hold views
    monkeypatch.setattr(positions, "_VIEWS", [(rx, cue, re.compile("")) for rx, cue, _ in positions._VIEWS])
    assert [positions.held_views(s) for s in VIEWS] == screened  # every pattern searched in every sentence


GLOSSED = ["the company—founded in 1987 by a former army engineer—is the largest", "a deal — a process the "
           "administration goes through before imposing tariffs.", "no contact with Liu He, the Chinese vice premier "
           "and top trade negotiator, since May", "—leading dash—and a word—dash—", "Huawei, the giant, said",
           "talks with Xi Jinping, a leader of note, and with Trump, the president, too", " — — ——  –a–"]


def test_the_glosses_are_found_as_by_the_lookbehind_first_patterns():
    # the dash and the capital moved before their lookbehinds (a faster scan): the matches must not change
    import re

    from analysis.text import reported

    aside = (r"(?:\s[—–]\s?|(?<=\w)[—–])[^—–\n.;:!?\"“”]{3,150}?(?:\s?[—–]\s|[—–](?=\w))|" + reported._GIANT + "|"
             + reported._DASH_CLOSING)
    appositive = re.compile(r"(?<=[a-z] )[A-Z][a-z]+(?:\s[A-Z][a-z]+)*" + reported._APPOSITIVE.pattern.split(
        "(?:\\s[A-Z][a-z]+)*", 1)[1])
    for text in GLOSSED + [" ".join(GLOSSED)]:
        expected = [m.span() for m in re.finditer(aside, text)] + [m.span(1) for m in appositive.finditer(text)]
        assert reported._glosses(text) == expected, text
    assert reported._glosses(" ".join(GLOSSED))  # the texts do hold glosses


def test_spans_by_article_are_the_groupby_groups_in_table_order():
    import numpy as np

    spans = pd.DataFrame({"doc_id": ["b", "a", "b", None, "c", "a"], "start": [5, 1, 2, 0, 9, 3],
                          "end": [6, 2, 4, 1, 10, 7], "voice": ["quoted", "reported", "scare_quote", "quoted",
                                                                 "attributed", "quoted"],
                          "speaker": ["X", "", "", "Y", "Z", "W"], "speaker_type": ["other"] * 6})
    for part in (spans, spans.iloc[:0], spans.iloc[::-1]):
        expected = {doc: tuple(g[c].to_numpy() for c in ("start", "end", "voice", "speaker", "speaker_type"))
                    for doc, g in part.groupby("doc_id", sort=False)}
        got = voice._by_doc(part)
        assert list(got) == list(expected)
        assert all(np.array_equal(x, y) and x.dtype == y.dtype for d in got for x, y in zip(got[d], expected[d]))
