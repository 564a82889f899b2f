import TutorCLI

Tutor.run()
