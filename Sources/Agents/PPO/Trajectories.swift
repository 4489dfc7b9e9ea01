/// rsl_rl's `split_and_pad_trajectories` / `unpad_trajectories` for recurrent minibatches.
///
/// Rollout data is [T, E, width] (time-major). Each environment's column is cut after every done into
/// trajectories, which are laid side by side and padded with zeros to the longest: [L, N, width]
/// with a mask [L, N] (1 on real steps). `unpad` puts padded per-trajectory outputs back into [T, E, width].
public enum Trajectories {
    /// Where each trajectory lies: its environment and its first and last step (inclusive).
    public struct Segment: Equatable, Sendable {
        public var environment: Int
        public var start: Int
        public var end: Int
        public var length: Int { end - start + 1 }
    }

    /// The trajectories of `environments` columns over `steps` steps, cut after each done, ordered by
    /// environment then time.
    public static func segments(dones: [Float], steps: Int, environments: [Int], environmentCount: Int) -> [Segment] {
        var result: [Segment] = []
        for environment in environments {
            var start = 0
            for t in 0..<steps where dones[t * environmentCount + environment] > 0 || t == steps - 1 {
                result.append(Segment(environment: environment, start: start, end: t))
                start = t + 1
            }
        }
        return result
    }

    /// Values [T, E, width] (flat) rearranged as padded trajectories [L, N, width] (flat), with the mask [L, N].
    public static func splitAndPad(
        _ values: [Float], width: Int, segments: [Segment], environmentCount: Int
    ) -> (padded: [Float], mask: [Float], length: Int) {
        let length = segments.map(\.length).max() ?? 0, count = segments.count
        var padded = Array(repeating: Float(0), count: length * count * width)
        var mask = Array(repeating: Float(0), count: length * count)
        for (n, segment) in segments.enumerated() {
            for offset in 0..<segment.length {
                let source = ((segment.start + offset) * environmentCount + segment.environment) * width
                let target = (offset * count + n) * width
                for index in 0..<width { padded[target + index] = values[source + index] }
                mask[offset * count + n] = 1
            }
        }
        return (padded, mask, length)
    }

    /// Padded trajectory values [L, N, width] (flat) back in rollout order [T, E, width] (flat); only the
    /// environments the segments cover are written.
    public static func unpad(_ padded: [Float], width: Int, segments: [Segment], steps: Int, environmentCount: Int) -> [Float] {
        var values = Array(repeating: Float(0), count: steps * environmentCount * width)
        let count = segments.count
        for (n, segment) in segments.enumerated() {
            for offset in 0..<segment.length {
                let target = ((segment.start + offset) * environmentCount + segment.environment) * width
                let source = (offset * count + n) * width
                for index in 0..<width { values[target + index] = padded[source + index] }
            }
        }
        return values
    }
}
