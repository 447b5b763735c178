"""Changes estate makes: bulk actions run as resumable jobs."""
