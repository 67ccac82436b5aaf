"""Free text in plans: its lists' bullets, and a form field that cleans it
(`ilo_tracker.text.clean_text`)."""

import re

from django import forms

from ilo_tracker.text import clean_text

# What starts an item of a list as Word, a PDF or a person writes it ("o" and a tab is Word's
# second-level bullet pasted as text).
BULLETS = tuple("-–—•·◦▪▫■□●○‣⁃∙➢➤►✓❖") + ("o\t",)
_NUMBERED = re.compile(r"(?:\d{1,2}[.)]|[a-z]\))\s")


def is_bullet(text: str) -> bool:
    return text.startswith(BULLETS)


def is_numbered(text: str) -> bool:
    """An item numbered "1.", "2)" or "a)"."""
    return bool(_NUMBERED.match(text))


def is_list_item(text: str) -> bool:
    """Bulleted or numbered: it shows its own mark, and needs none added."""
    return is_bullet(text) or is_numbered(text)


class CleanTextField(forms.CharField):
    """A text field whose value is cleaned before its length is checked.

    Browsers send a textarea's line breaks as CRLF: stored as plain newlines, so that a line
    break counts once, as the person sees it.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value).replace("\r\n", "\n") if value else value

    def widget_attrs(self, widget):
        # No `maxlength`: a browser cuts a longer paste there without a word (and counts an
        # emoji twice). The form's message says how long the text is, and keeps all of it.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs
