/// The per-sub-environment state a vector step reads and writes, as raw pointers.
///
/// Worker threads step disjoint ranges of sub-environments through a copy of this struct. Going
/// through `VectorEnvironment`'s arrays and storage objects instead retains and releases the same
/// few objects (the arrays' buffers, the storages, the vector environment) for every
/// sub-environment on both threads; those reference counts then bounced between the cores and
/// took 45% of a 2-thread CartPole step.
struct VectorSlots {
    let environments: UnsafeMutableBufferPointer<any Environment>
    let rows: UnsafeMutableBufferPointer<ObservationBuffer>
    let finalRows: UnsafeMutableBufferPointer<ObservationBuffer>
    let rewards: UnsafeMutableBufferPointer<Double>
    let terminations: UnsafeMutableBufferPointer<Bool>
    let truncations: UnsafeMutableBufferPointer<Bool>
    let finals: UnsafeMutableBufferPointer<Bool>
    let needsReset: UnsafeMutableBufferPointer<Bool>
    let infos: UnsafeMutableBufferPointer<Info>
    let autoresetMode: AutoresetMode

    /// Copies of the references; `release()` frees them (the arrays stay with the vector environment).
    init(
        environments: [any Environment], rows: [ObservationBuffer], finalRows: [ObservationBuffer], rewards: BatchStorage<Double>,
        terminations: BatchStorage<Bool>, truncations: BatchStorage<Bool>, finals: BatchStorage<Bool>, needsReset: BatchStorage<Bool>,
        infos: BatchStorage<Info>, autoresetMode: AutoresetMode
    ) {
        self.environments = .allocate(capacity: environments.count)
        _ = self.environments.initialize(from: environments)
        self.rows = .allocate(capacity: rows.count)
        _ = self.rows.initialize(from: rows)
        self.finalRows = .allocate(capacity: finalRows.count)
        _ = self.finalRows.initialize(from: finalRows)
        self.rewards = rewards.pointer
        self.terminations = terminations.pointer
        self.truncations = truncations.pointer
        self.finals = finals.pointer
        self.needsReset = needsReset.pointer
        self.infos = infos.pointer
        self.autoresetMode = autoresetMode
    }

    /// Frees the copied references.
    func release() {
        for buffer in [rows, finalRows] {
            _ = buffer.deinitialize()
            buffer.deallocate()
        }
        _ = environments.deinitialize()
        environments.deallocate()
    }

    /// Resets sub-environment `index` (seeded with `seed`) and clears its step results.
    func reset(_ index: Int, seed: Int?, options: Options) throws {
        infos[index] = try environments[index].reset(seed: seed, options: options, into: rows[index])
        rewards[index] = 0
        terminations[index] = false
        truncations[index] = false
        finals[index] = false
        needsReset[index] = false
    }

    /// Steps sub-environment `index` with `action`, or resets it when its episode ended in the
    /// previous step in `nextStep` mode, and handles an episode end by the autoreset mode.
    func step(_ index: Int, _ action: Action) throws {
        let environment = environments[index]
        finals[index] = false
        if autoresetMode == .nextStep && needsReset[index] {
            infos[index] = try environment.reset(seed: nil, options: [:], into: rows[index])
            rewards[index] = 0
            terminations[index] = false
            truncations[index] = false
            needsReset[index] = false
            return
        }
        let result = try environment.step(action, into: rows[index])
        rewards[index] = result.reward
        terminations[index] = result.terminated
        truncations[index] = result.truncated
        guard result.terminated || result.truncated else {
            infos[index] = result.info
            return
        }
        switch autoresetMode {
        case .nextStep:
            infos[index] = result.info
            needsReset[index] = true
        case .sameStep:
            finalRows[index].copy(from: rows[index])
            finals[index] = true
            var info = try environment.reset(seed: nil, options: [:], into: rows[index])
            info["final_obs"] = .value(finalRows[index].value())
            info["final_info"] = .info(result.info)
            infos[index] = info
        case .disabled:
            infos[index] = result.info
        }
    }
}
