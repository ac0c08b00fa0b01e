// Initiator sources live beside this file; see initiator.hpp.
