// Placeholder composition root; see issue 3.
export {};
