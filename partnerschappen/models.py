"""Candidate partnerships of registrations (built in the partnerships issue)."""
