// Gym's public API uses the seeded generator of the Random module; re-export it so that
// `import Gym` is enough.
@_exported import Random
