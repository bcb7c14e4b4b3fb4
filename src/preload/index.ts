// Placeholder; see issue 3.
export {};
