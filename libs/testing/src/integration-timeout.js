// Integration tests start real servers and processes: a longer limit than jest's 5 s default.
jest.setTimeout(60_000);
