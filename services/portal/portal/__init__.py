"""portal: portal preferences, who has portal access, contact logins, sessions and the activity log."""
