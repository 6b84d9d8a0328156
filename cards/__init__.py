"""Card modules: one chart or table of a page each, importable and testable without Dash Pages.

``cards/<page>/<card>.py`` holds one card: ``NAME`` (ids are ``f"{PAGE}-{NAME}"``), ``card(view)``
(the layout: its metrics call and its component; ``view`` is components.layout.View) and, for a
chart, a pure ``figure(frame, ...)`` from a DataFrame to a ``go.Figure`` (the language is the
request's, components.i18n). Pages (``pages/<page>.py``) only arrange cards.
"""
