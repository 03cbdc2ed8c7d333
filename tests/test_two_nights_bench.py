"""bench.two_nights' pure parts on a made-up event: the nights it builds, the value it edits, how it
judges a sentence marked "new", and its scores. No model, no run, no dev-set text."""

from __future__ import annotations

import pytest

from summarize.types import fingerprint

from bench.two_nights import (
    Chain, Edit, Night, apply_edit, brief_sentences, changed_value_found, choose_edit, dev_chains, facts_absent,
    dropped_by_night_one, headline, judge_marked, multinews_chain, overlap, replacement, score_night, seed_files, since_items,
    split_sentences, token_pattern, totals,
)

# An invented ferry strike told by five files: a wire, its copy, a local paper, a blog, a trade paper.
FILES = {
    "wire.txt": "date 2030-05-02\nFerry crews strike\n\nCrews of the Brindle Quay ferry walked out on Monday, cancelling 38 crossings. "
    "The union said talks had failed.",
    "wire_copy.txt": "date 2030-05-02\nFerry strike\n\nCrews of the Brindle Quay ferry walked out on Monday, cancelling 38 crossings.",
    "gazette.txt": "date 2030-05-02\nQuay falls silent\n\nThe strike cancelled 38 crossings, harbour master Ilsa Varn said. "
    "Buses will replace the ferry until Friday.",
    "blog.txt": "date 2030-05-03\nStuck again\n\nNobody told us. Seven cafes on the quay closed early.",
    "trade.txt": "date 2030-05-03\nOperators count the cost\n\nThe operator put its losses at 1.5 million a day. "
    "Crews had cancelled 83 crossings, the operator claimed.",
}
GOLD = {
    "facts": [
        {"name": "crossings cancelled", "all": [r"\b(38|83)\b", "crossings"], "files": ["wire.txt", "wire_copy.txt", "gazette.txt", "trade.txt"], "allowed": []},
        {"name": "talks failed", "all": ["talks", "failed"], "files": ["wire.txt"], "allowed": []},
        {"name": "replacement buses", "all": ["buses"], "files": ["gazette.txt"], "allowed": []},
        {"name": "cafes closed", "all": ["cafes", "closed"], "files": ["blog.txt"], "allowed": []},
        {"name": "losses per day", "all": [r"1\.5 million"], "files": ["trade.txt"], "allowed": ["blog.txt"]},
    ],
    "copies": [["wire.txt", "wire_copy.txt"]],
    "disagreements": [
        {"kind": "date", "fact": "talks failed", "values": {"Monday": ["wire.txt"], "Tuesday": ["gazette.txt"]}},
        {"kind": "count", "fact": "crossings cancelled", "values": {"38": ["wire.txt", "wire_copy.txt", "gazette.txt"], "83": ["trade.txt"]}},
    ],
}
EVENT = {"id": "brindle_strike", "title": "Ferry strike", "outlets": {name: name for name in FILES}}


def sentence(text: str, change: str | None = None, *sources: str, index: int = 0) -> dict:
    return {"index": index, "text": text, "change": change, "sources": [{"article_id": s, "text": text} for s in sources]}


def test_night_one_of_added_is_the_pair_leaving_most_facts_to_come_with_its_copies():
    # wire_copy with gazette would leave "talks failed" too, but brings its original, which has it:
    # the wire and its copy leave three facts, more than any other pair.
    assert seed_files(GOLD, sorted(FILES)) == ["wire.txt", "wire_copy.txt"]
    assert [f["name"] for f in facts_absent(GOLD, ["wire.txt", "wire_copy.txt"])] == ["replacement buses", "cafes closed", "losses per day"]
    # An allowed file counts as having the fact: no night-2 novelty to claim.
    assert "losses per day" not in [f["name"] for f in facts_absent(GOLD, ["blog.txt"])]


def test_dev_chains_run_added_then_force_two_more_then_edited_and_copy():
    added, more, copy = dev_chains(EVENT, GOLD, FILES)
    assert added.steps == {1: "added", 2: "force"} and [n.force for n in added.nights] == [False, False, True]
    assert sorted(added.nights[0].files) == ["wire.txt", "wire_copy.txt"] and added.nights[1].files == FILES
    assert more.steps == {1: "two more", 2: "edited"} and sorted(more.nights[0].files) == ["blog.txt", "gazette.txt", "trade.txt"]
    assert more.edit == Edit("crossings cancelled", "38", "45", ("gazette.txt", "wire.txt", "wire_copy.txt"))
    assert "45 crossings" in more.nights[2].files["gazette.txt"] and "83 crossings" in more.nights[2].files["trade.txt"]
    assert copy.steps == {1: "copy"} and sorted(copy.nights[0].files) == ["blog.txt", "gazette.txt", "trade.txt", "wire.txt"]


def test_token_pattern_finds_a_value_standing_alone_only():
    pattern = token_pattern("11")
    assert pattern.search("the toll rose to 11.") and pattern.search("11 dead")
    for glued in ("date 2025-11-05", "110 dead", "11.5 tonnes", "1,11", "11-year-old"):
        assert not pattern.search(glued), glued
    assert token_pattern("£60 million").search("a £60 million deal") and not token_pattern("£60 million").search("£60 millions")


def test_replacement_is_written_like_the_old_value_and_nowhere_in_the_articles():
    assert replacement("38", ["38 homes"], ["38", "83"]) == "45"  # 38 + 38/5
    assert replacement("38", ["38 homes, 45 acres"], ["38"]) == "52"  # 45 is taken
    assert replacement("seven", ["seven objects"], ["seven", "nine"]) == "eleven"  # nine is the other gold value
    assert replacement("$310 million", [], []) == "$372 million"
    assert replacement("4.2 billion", [], []) == "5.0 billion"
    assert replacement("1,200", [], []) == "1,440"


def test_apply_edit_changes_the_listed_files_only_and_keeps_capitals():
    files = {"a.txt": "Seven objects. It took seven-minute drives.", "b.txt": "seven objects", "c.txt": "seven objects"}
    edited = apply_edit(files, Edit("objects", "seven", "eleven", ("a.txt", "b.txt")))
    assert edited == {"a.txt": "Eleven objects. It took seven-minute drives.", "b.txt": "eleven objects", "c.txt": "seven objects"}
    with pytest.raises(ValueError):
        apply_edit(files, Edit("objects", "nine", "ten", ("a.txt",)))


def test_choose_edit_takes_the_first_count_or_money_and_its_majority_by_independent_sources():
    gold = {
        "copies": [["a.txt", "b.txt", "c.txt"]],
        "disagreements": [{"kind": "money", "fact": "price", "values": {"$5 million": ["a.txt", "b.txt", "c.txt"], "$9 million": ["d.txt", "e.txt"]}}],
    }
    edit = choose_edit(gold, {"d.txt": "$9 million", "e.txt": "$9 million"})
    assert (edit.old, edit.files) == ("$9 million", ("d.txt", "e.txt"))  # three copies are one source
    assert choose_edit({"disagreements": [{"kind": "name", "fact": "x", "values": {"A": ["a"]}}]}, {}) is None


def test_multinews_night_one_is_the_first_half_with_at_least_two_documents():
    chain = multinews_chain({"documents": ["one", "two", "three", "four", "five", "six", "seven"]}, 3)
    assert chain.event["id"] == "mn_03" and list(chain.nights[0].files) == ["doc_0.txt", "doc_1.txt", "doc_2.txt"]
    assert len(multinews_chain({"documents": ["a", "b", "c"]}, 0).nights[0].files) == 2
    assert chain.steps == {1: "added", 2: "force"} and chain.nights[2].force


def test_overlap_and_sentences():
    assert overlap("The strike cancelled 38 crossings.", "The strike cancelled 38 crossings on Monday.") > 0.8
    assert overlap("The strike cancelled 38 crossings.", "Seven cafes closed early.") == 0.0
    assert split_sentences("date 2030\nA first one. A second one!\n\n\"Quoted,\" he said.") == ["date 2030", "A first one.", "A second one!", '"Quoted," he said.']


def test_a_marked_sentence_is_judged_by_gold_then_by_its_sources_and_words():
    before = {n: FILES[n] for n in ("wire.txt", "wire_copy.txt", "gazette.txt")}
    new_fact = judge_marked(sentence("Seven cafes on the quay closed early.", "new", "blog"), before, GOLD, 0.5)
    assert (new_fact.right, new_fact.judge) == (True, "gold")
    # One new fact among those a sentence states is enough.
    both = judge_marked(sentence("Buses ran as 1.5 million was lost.", "new", "trade"), {"gazette.txt": FILES["gazette.txt"]}, GOLD, 0.5)
    assert both.right and both.judge == "gold"
    known = judge_marked(sentence("Ferry crews cancelled 38 crossings.", "new", "trade"), before, GOLD, 0.5)
    assert (known.right, known.judge) == (False, "gold")
    no_gold = sentence("Nobody told us.", "new", "blog")
    assert judge_marked(no_gold, before, GOLD, 0.5) == judge_marked(no_gold, before, None, 0.5)
    assert judge_marked(no_gold, before, GOLD, 0.5).right
    from_night_one = judge_marked(sentence("The union spoke.", "new", "wire"), before, GOLD, 0.5)
    assert (from_night_one.right, from_night_one.judge) == (False, "words")
    near_copy = judge_marked(sentence("Crews walked out on Monday, the union said.", "new", "blog"), {"wire.txt": "Crews walked out on Monday."}, None, 0.5)
    assert not near_copy.right and "shares" in near_copy.why


def test_changed_value_found_needs_both_values_on_their_sides():
    edit = Edit("crossings cancelled", "38", "45", ("wire.txt",))
    item = {"before": {"value": "38", "written": "38 crossings"}, "after": {"value": "45", "written": "45 crossings"}}
    assert changed_value_found({"changed_values": [item]}, edit)
    assert not changed_value_found({"changed_values": [{"before": item["after"], "after": item["before"]}]}, edit)
    assert not changed_value_found(None, edit) and not changed_value_found({"changed_values": []}, edit)
    words = Edit("objects", "seven", "eleven", ())
    assert changed_value_found({"changed_values": [{"before": {"written": "seven objects"}, "after": {"value": "11", "written": "eleven"}}]}, words)


def brief(*sentences: dict, since: dict | None = None) -> dict:
    """A brief.json as the scores read it: sections of sentences (the lede repeated in one), since."""
    numbered = [dict(s, index=i) for i, s in enumerate(sentences)]
    return {"lede": numbered[0], "sections": [{"sentences": numbered[:1]}, {"sentences": numbered}], "since": since}


def test_score_night_counts_precision_recall_and_notes():
    chain = dev_chains(EVENT, GOLD, FILES)[0]
    document = brief(
        sentence("Crews cancelled 38 crossings, the operator said.", "new", "wire", "trade"),
        sentence("Seven cafes on the quay closed early.", "new", "blog"),
        sentence("The operator put its losses at 1.5 million a day.", None, "trade"),
        sentence("Buses will replace the ferry until Friday.", "new", "gazette"),
        since={"summary": "3 new facts", "new_facts": [{}, {}, {}], "changed_values": [], "new_outlets": [{}]},
    )
    assert len(brief_sentences(document)) == 4 and since_items(document["since"]) == 4
    score = score_night(chain, 1, document, None, 0.5)
    assert (score.case, score.marked_new, score.right, score.by_gold, score.by_words) == ("added", 3, 2, 3, 0)
    assert (score.new_facts, score.reported, score.recalled) == (3, 3, 2)
    assert score.summary == "3 new facts" and score.since_items == 4
    assert any(n.startswith("false new (night 1 has it: crossings cancelled") for n in score.notes)
    assert any(n.startswith("new fact not marked new (losses per day") for n in score.notes)
    assert [m["right"] for m in score.marks] == [False, True, True]
    # Without a night-1 brief that carries its wire sentence, the false mark is one night 1 dropped.
    assert score.dropped_before == 1 and "night 1's brief carries no fact" in score.notes[0]
    previous = {"facts": [{"fingerprints": [fingerprint("Crews  CANCELLED 38 crossings, the operator said.")]}]}
    assert score_night(chain, 1, document, previous, 0.5).dropped_before == 0


def test_dropped_by_night_one_needs_a_night_one_source_that_no_fact_carries():
    marked = sentence("Cafes closed.", "new", "blog", "wire")
    assert dropped_by_night_one(marked, {"wire.txt": ""}, set())
    assert not dropped_by_night_one(marked, {"wire.txt": ""}, {fingerprint("cafes closed.")})
    assert not dropped_by_night_one(marked, {"gazette.txt": ""}, set())


def test_score_night_of_an_edit_and_of_a_brief_without_since():
    more = dev_chains(EVENT, GOLD, FILES)[1]
    item = {"kind": "count", "subject": "crossing", "before": {"value": "38", "written": "38"}, "after": {"value": "45", "written": "45"}}
    other = {"kind": "count", "subject": "bus", "before": {"value": "3"}, "after": {"value": "4"}}
    document = brief(
        sentence("Crews cancelled 45 crossings.", "changed", "wire"),
        sentence("The operator put its losses at 1.5 million a day.", "new", "trade"),
        since={"summary": "3 values changed", "changed_values": [item, other, item]},
    )
    score = score_night(more, 2, document, None, 0.5)
    assert (score.case, score.changed_found, score.changed_items, score.edited_marked, score.marked_changed) == ("edited", True, 2, True, 1)
    assert (score.marked_new, score.right, score.edited_other, score.new_facts) == (1, 0, 1, 0)
    # Before the changes stage: no "change" and no "since" at all; every figure is empty, none fails.
    plain = score_night(more, 2, {"sections": [{"sentences": [{"index": 0, "text": "Crews cancelled 45 crossings.", "sources": []}]}]}, None, 0.5)
    assert (plain.changed_found, plain.edited_marked, plain.marked_new, plain.since_items, plain.summary) == (False, False, 0, 0, "")


def test_totals_and_headline_pool_the_nights():
    chain = Chain("dev", EVENT, (Night({}), Night(FILES), Night(FILES, force=True)), {1: "added", 2: "force"}, GOLD)
    added = score_night(chain, 1, brief(sentence("Seven cafes on the quay closed early.", "new", "blog")), None, 0.5)
    forced = score_night(chain, 2, brief(sentence("Seven cafes on the quay closed early.", "new", "blog"), since={"new_facts": [{}]}), None, 0.5)
    assert totals([added])["right"] == 1 and totals([forced])["since_items"] == 1
    lines = headline([added, forced])
    assert lines[0].startswith("- novelty precision 1.00 (1 of 1") and "1 marked sentences, 1 since items over 1 reruns" in lines[2]
