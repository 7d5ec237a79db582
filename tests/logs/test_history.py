"""The log's history (R-LOG-08): each change in words, and the whole of it reachable."""

from logs.templatetags.logs_tags import REVISION_ACTIONS, revision_action


def test_each_change_in_the_history_has_its_words_R_LOG_08():
    assert revision_action("measure.created") == "Nytt tiltak"
    assert revision_action("log.created") == "Loggen ble opprettet"
    assert revision_action("meeting.minutes") == "Referat fra møtet ble lagret"
    assert len(REVISION_ACTIONS) == 25


def test_an_unknown_change_is_shown_as_its_name_R_LOG_08():
    assert revision_action("something.new") == "something.new"
