"""Admin command line: mentorbridge bamboohr discover | register-webhook, ..."""
