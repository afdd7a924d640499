"""reviews: Review requests, reviews and the Customer Review Report."""
