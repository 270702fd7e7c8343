"""Direct answers for questions as agents type them (round 29, issue 16).

The sentences were written for this round (not taken from any evaluation set); each failed
before its mechanism was added:

- a share asked as a percentage (« quel pourcentage », « cb % ») is answered with a
  percentage, not with a per-mille (the ceiling of a company's gifts, 5 ‰ of its turnover,
  is not the rate of its tax reduction); « quel taux » still takes either.
"""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize("text", [
    "mécénat d'entreprise : quel pourcentage de réduction ?",
    "entreprise mécène : cb % ?",
])
def test_a_percentage_asked_is_not_a_per_mille(searcher: Searcher, text: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert "60 %" in result.direct.answer.text
