"""Learning modules, quizzes and attempts inside programmes."""
