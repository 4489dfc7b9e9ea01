import Testing
@testable import Gym

@Suite("Spaces")
struct SpaceTests {
    @Test("Box contains checks shape, bounds and NaN")
    func boxContains() {
        let box = Space.box(Box(low: [-1, 0], high: [1, 2]))
        #expect(box.contains(.float32([0, 1])))
        #expect(!box.contains(.float32([0, 3])))
        #expect(!box.contains(.float32([.nan, 1])))
        #expect(!box.contains(.float32([0])))
        #expect(!box.contains(.uint8([0, 1])))
        #expect(!box.contains(.int(0)))
    }

    @Test("Box samples follow Gymnasium's rules for bounded, half-bounded and unbounded coordinates")
    func boxSampling() {
        let box = Box(low: [-1, 2, -.infinity, -.infinity], high: [1, .infinity, 3, .infinity])
        var generator = RandomGenerator(seed: 3)
        var sums = [Double](repeating: 0, count: 4)
        let n = 20_000
        for _ in 0..<n {
            guard case .float32(let values) = box.sample(using: &generator) else { Issue.record("not float32"); return }
            #expect(values[0] >= -1 && values[0] < 1)
            #expect(values[1] >= 2)
            #expect(values[2] <= 3)
            for index in 0..<4 { sums[index] += Double(values[index]) }
        }
        #expect(abs(sums[0] / Double(n)) < 0.03)  // uniform(-1, 1)
        #expect(abs(sums[1] / Double(n) - 3) < 0.05)  // 2 + exponential
        #expect(abs(sums[2] / Double(n) - 2) < 0.05)  // 3 - exponential
        #expect(abs(sums[3] / Double(n)) < 0.05)  // normal
    }

    @Test("UInt8 boxes sample integers in [low, high] inclusive")
    func byteBoxSampling() {
        let box = Space.box(Box(low: 250, high: 255, shape: [2, 3], dtype: .uint8))
        var generator = RandomGenerator(seed: 0)
        var seen = Set<UInt8>()
        for _ in 0..<500 {
            let value = box.sample(using: &generator)
            #expect(box.contains(value))
            if case .uint8(let bytes) = value { seen.formUnion(bytes) }
        }
        #expect(seen == Set(250...255))
    }

    @Test("Discrete, MultiDiscrete, MultiBinary, Dict and Tuple sample inside themselves")
    func otherSpaces() {
        var generator = RandomGenerator(seed: 9)
        let spaces: [Space] = [
            .discrete(Discrete(3, start: -1)),
            .multiDiscrete(MultiDiscrete([2, 5], start: [0, 10])),
            .multiBinary(MultiBinary(4)),
            .dict(DictSpace(["position": .box(Box(low: 0, high: 1, shape: [2])), "goal": .discrete(Discrete(4))])),
            .tuple(TupleSpace([.discrete(Discrete(2)), .box(Box(low: -1, high: 1, shape: [1]))])),
        ]
        for space in spaces {
            for _ in 0..<100 { #expect(space.contains(space.sample(using: &generator)), "\(space)") }
        }
        #expect(Space.discrete(Discrete(3, start: -1)).contains(.int(-1)))
        #expect(!Space.discrete(Discrete(3, start: -1)).contains(.int(2)))
        #expect(!Space.multiDiscrete(MultiDiscrete([2, 5], start: [0, 10])).contains(.ints([0, 4])))
        #expect(!Space.multiBinary(MultiBinary(2)).contains(.ints([0, 2])))
    }

    @Test("descriptions use Gymnasium's notation")
    func descriptions() {
        #expect(Space.discrete(Discrete(2)).description == "Discrete(2)")
        #expect(Space.discrete(Discrete(3, start: 1)).description == "Discrete(3, start=1)")
        #expect(Space.box(Box(low: -2, high: 2, shape: [1])).description == "Box(-2.0, 2.0, (1,), float32)")
        #expect(Space.box(Box(low: 0, high: 255, shape: [3, 84, 84], dtype: .uint8)).description == "Box(0.0, 255.0, (3, 84, 84), uint8)")
        #expect(
            Space.dict(DictSpace(["b": .discrete(Discrete(2)), "a": .multiBinary(MultiBinary(3))])).description
                == "Dict('a': MultiBinary(3), 'b': Discrete(2))")
    }

    @Test("malformed spaces fail validation with a reason")
    func validation() {
        #expect(throws: GymError.self) { try Space.box(Box(low: [1], high: [0])).validate() }
        #expect(throws: GymError.self) { try Space.box(Box(low: [0, 0], high: [1], shape: [2])).validate() }
        #expect(throws: GymError.self) { try Space.box(Box(low: [.nan], high: [1])).validate() }
        #expect(throws: GymError.self) { try Space.discrete(Discrete(0)).validate() }
        #expect(throws: GymError.self) { try Space.multiDiscrete(MultiDiscrete([2, 0])).validate() }
        #expect(throws: Never.self) { try Space.box(Box(low: -.infinity, high: .infinity, shape: [3])).validate() }
    }

    @Test("action validation names the problem and the space")
    func actionValidation() {
        let discrete = Space.discrete(Discrete(4))
        #expect(discrete.contains(Action.discrete(3)))
        let error = #expect(throws: GymError.self) { try discrete.validate(action: .discrete(4)) }
        #expect("\(error!)".contains("Discrete(4)") && "\(error!)".contains("0..<4"))
        let box = Space.box(Box(low: -1, high: 1, shape: [2]))
        #expect(throws: GymError.self) { try box.validate(action: .continuous([0, .nan])) }
        #expect(throws: GymError.self) { try box.validate(action: .continuous([0])) }
        #expect(throws: GymError.self) { try box.validate(action: .discrete(0)) }
        #expect(throws: GymError.self) { try discrete.validate(action: .continuous([0])) }
    }
}
