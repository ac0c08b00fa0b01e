// Shared test support (fakes, fixtures).
