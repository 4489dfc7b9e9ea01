import Testing
@testable import Tensors

@Suite("Autodiff")
struct AutodiffTests {
    @Test("a tensor used twice accumulates both gradients")
    func accumulation() throws {
        let x = try Tensor([3], shape: [1]).requiringGradient()
        let tape = GradientTape()
        let y = try tape.record { try (x * x + x * 2).sum() }
        let gradients = try tape.backward(from: y)
        #expect(gradients[x]?.scalars == [8])  // d(x^2 + 2x)/dx = 2x + 2
    }

    @Test("gradients with respect to a non-leaf tensor, and backward from it with a seed")
    func nonLeaf() throws {
        let w = try Tensor([1, 2], shape: [2]).requiringGradient()
        let tape = GradientTape()
        let hidden = tape.record { w * 3 }  // non-leaf
        let loss = try tape.record { try (hidden * hidden).sum() }
        let gradients = try tape.backward(from: loss)
        #expect(gradients[hidden]?.scalars == [6, 12])  // 2 hidden
        #expect(gradients[w]?.scalars == [18, 36])
        // Back-propagate a chosen gradient from the intermediate tensor (ACER's trust region does this).
        let projected = try tape.backward(from: hidden, seed: Tensor([1, -1]))
        #expect(projected[w]?.scalars == [3, -3])
        #expect(throws: TensorError.self) { try tape.backward(from: hidden) }  // non-scalar without a seed
    }

    @Test("anomaly detection names the operation whose backward turns a finite gradient into NaN or infinity")
    func anomalyDetection() throws {
        let x = try Tensor([0, 4], shape: [2]).requiringGradient()
        let tape = GradientTape()
        let y = tape.record { x.squareRoot().sum() }  // d sqrt(x)/dx = inf at 0
        let plain = try tape.backward(from: y)
        #expect(plain[x]?.scalars.first?.isFinite == false)  // off: the infinity passes silently
        do {
            _ = try AnomalyDetection.detecting { try tape.backward(from: y) }
            Issue.record("expected an anomaly error")
        } catch {
            #expect("\(error)".contains("Elementwise.swift"), "\(error)")
        }
    }

    @Test("no tape growth outside recording or inside withoutGradients; detach cuts the flow")
    func noRecording() throws {
        let w = Tensor([1, 2]).requiringGradient()
        let tape = GradientTape()
        _ = w * 2
        #expect(tape.operationCount == 0)
        try tape.record {
            _ = withoutGradients { w * 2 }
            #expect(tape.operationCount == 0)
            let detached = w.detached() * 2
            #expect(!detached.requiresGradient)
            _ = try (w * 2 + detached).sum()
        }
        #expect(tape.operationCount == 3)
        let constant = Tensor([1, 2])
        tape.record { _ = constant * 5 }
        #expect(tape.operationCount == 3)
    }

    @Test("each thread records on its own tape")
    func threads() async throws {
        let results = await withTaskGroup(of: Float.self) { group in
            for value in 1...4 {
                group.addTask {
                    let x = Tensor([Float(value)]).requiringGradient()
                    let tape = GradientTape()
                    let y = tape.record { x.square().sum() }
                    return (try? tape.backward(from: y))?[x]?.item ?? -1
                }
            }
            var collected: [Float] = []
            for await result in group { collected.append(result) }
            return collected.sorted()
        }
        #expect(results == [2, 4, 6, 8])
    }
}
