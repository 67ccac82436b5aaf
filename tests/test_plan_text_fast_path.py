"""`plan_text` skips nh3 for text with no tag in it: the output must be exactly nh3's."""

import re

import nh3
import pytest
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from measures.templatetags.plan_text import plan_text

pytestmark = pytest.mark.one_database

# Plan text: letters of the three languages, punctuation, quotes, entities, spaces of all kinds,
# control characters and now and then a superscript.
pieces = st.one_of(
    st.text(),
    st.sampled_from(["'", '"', "&", "&amp;", "&#x27;", ">", "<", "\xa0", "\r\n", "\x00", "é"]),
    st.sampled_from(["<sup>", "</sup>", "<b>", "<sup x=1>", "87<sup>e</sup>"]),
)


def through_nh3(text):
    kept = re.sub(r"&lt;sup&gt;(.*?)&lt;/sup&gt;", r"<sup>\1</sup>", escape(text))
    return nh3.clean(kept, tags={"sup"}, attributes={})


@given(st.lists(pieces, max_size=8).map("".join))
def test_plan_text_is_what_nh3_makes_of_it(text):
    assert plan_text(text) == through_nh3(text)


def test_plain_text_keeps_its_quotes_and_escapes_the_rest():
    assert plan_text('l\'action & "x" > y') == 'l\'action &amp; "x" &gt; y'
    assert plan_text(None) == ""


def test_a_superscript_is_a_pair_of_tags_and_a_tag_alone_stays_text():
    assert plan_text("87<sup>e</sup> session") == "87<sup>e</sup> session"
    lone = "un <sup>ordinal et la suite\n</sup> seule"
    assert plan_text(lone) == "un &lt;sup&gt;ordinal et la suite\n&lt;/sup&gt; seule"
