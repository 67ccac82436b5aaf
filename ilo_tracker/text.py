"""One cleaning of free text, wherever it comes in (forms, the admin, plan and framework
imports) or goes out (exports); here, below every app, so that each can use it.

Word pastes a vertical tab (\\x0b) for a line break and a form feed (\\x0c) for a page break,
soft hyphens and zero-width spaces, and its bullets as private-use characters; other control
characters, lone surrogates and the noncharacters U+FFFE and U+FFFF are noise that XML (XLSX,
Word, IATI, PDF tagging) refuses.
"""

import re

# The longest free text the app keeps (a narrative, a comment, a measurement's text): ten times
# the longest cell of the two seed plans (2,144 characters), short enough that no single text
# can make a page or a PDF hang.
MAX_TEXT_LENGTH = 20_000

_PASTED = str.maketrans(
    {
        "\x0b": "\n",
        "\x0c": "\n",
        # Invisible, yet they split a word for matching: soft hyphen, zero-width space, word
        # joiner, byte-order mark.
        **dict.fromkeys("\u00ad\u200b\u2060\ufeff"),
        # Word's Symbol and Wingdings bullets, pasted as private-use characters that no other
        # font shows: the bullets they draw.
        "\uf0b7": "•",
        "\uf0a7": "▪",
        "\uf0d8": "➢",
        "\uf0fc": "✓",
        "\uf076": "❖",
    }
)
# C0 controls but tab, line feed and carriage return, UTF-16 surrogates, which can only be
# lone ones in a str (a pair decodes to one character), and U+FFFE and U+FFFF.
_UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(s: str) -> str:
    """`s` with \\x0b and \\x0c as line breaks, Word's own bullets as real ones, and other
    control and invisible characters removed."""
    return _UNSAFE.sub("", s.translate(_PASTED))


# How Excel writes a character XML cannot hold: "_x000B_".
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_text(s: str) -> str:
    """A cell's text as Excel saved it, its escaped characters back and cleaned."""
    return clean_text(_EXCEL_ESCAPE.sub(lambda code: chr(int(code[1], 16)), s))
