// Tensor creation takes the seeded generator of the Random module; re-export it.
@_exported import Random
