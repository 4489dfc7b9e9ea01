import Agents

/// The recent training episodes in a checkpoint's metadata: "return:length:terminated" per episode,
/// separated by ";" (returns written exactly, as Swift prints a Double).
enum RecentEpisodes {
    /// The metadata key.
    static let metadataKey = "recent_episodes"

    /// The episodes as text.
    static func encode(_ episodes: [EpisodeRecord]) -> String {
        episodes.map { "\($0.totalReward):\($0.length):\($0.terminated ? 1 : 0)" }.joined(separator: ";")
    }

    /// The episodes read back; a malformed entry (an older or edited checkpoint) is skipped, and at
    /// most the last 100 are kept.
    static func decode(_ text: String) -> [EpisodeRecord] {
        let episodes = text.split(separator: ";").compactMap { entry -> EpisodeRecord? in
            let fields = entry.split(separator: ":")
            guard fields.count == 3, let total = Double(fields[0]), total.isFinite, let length = Int(fields[1]), length >= 0 else {
                return nil
            }
            return EpisodeRecord(totalReward: total, length: length, terminated: fields[2] == "1", isSuccess: nil)
        }
        return Array(episodes.suffix(100))
    }
}
