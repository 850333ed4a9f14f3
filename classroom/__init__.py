"""Classroom tools of the course: the student edition and its autograding (classroom.edition)."""
