// aoefs daemon library (filled by later work).
