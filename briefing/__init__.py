"""The briefing pack: a PDF with a written summary that leaves the meeting."""
