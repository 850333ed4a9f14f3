# nbgrader settings for the course's student edition (see classroom/edition.py).
c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "scaling-laws-course"
# What a student sees in place of a solution cell.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE (then run the check cell below)\nraise NotImplementedError()"
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Grading executes each submission in the current environment: no Docker, no network.
c.Execute.timeout = 120
c.Execute.kernel_name = "python3"
