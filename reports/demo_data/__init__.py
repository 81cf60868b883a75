"""The demo dataset's NGOs, villages and narrative phrases (read by reports/demo.py)."""
