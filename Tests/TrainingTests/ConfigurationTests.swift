import BundledEnvs
import Foundation
import Gym
import Testing
import Agents
@testable import Training

@Suite struct ConfigurationTests {
    @Test func unknownKeysListTheValidKeys() throws {
        var configuration = try RunConfiguration(algorithm: "acer")
        do {
            try configuration.set("learning_rat", to: "1e-3")
            Issue.record("an unknown key was accepted")
        } catch let error as ConfigurationError {
            let text = "\(error)"
            #expect(text.contains("unknown key 'learning_rat'") && text.contains("learning_rate") && text.contains("num_envs"))
        }
    }

    @Test func badValuesNameTheKeyAndTheExpectedForm() throws {
        var configuration = try RunConfiguration(algorithm: "acer")
        #expect(throws: ConfigurationError.badValue("steps must be an integer, got 'many'")) { try configuration.set("steps", to: "many") }
        #expect(throws: ConfigurationError.self) { try configuration.set("gamma", to: "1.5") }
        #expect(throws: ConfigurationError.self) { try configuration.set("trust_region", to: "maybe") }
        #expect(throws: ConfigurationError.self) { try configuration.set("hidden_sizes", to: "64,-1") }
        #expect(throws: ConfigurationError.self) { try configuration.set("replay_kind", to: "everything") }
        #expect(throws: ConfigurationError.self) { try RunConfiguration(algorithm: "dqn") }
        try configuration.set("steps", to: "2_000_000")
        #expect(configuration.settings.steps == 2_000_000)
    }

    @Test func configFilesReportTheLineOfAnError() throws {
        let good = try ConfigurationFile(
            text: "# comment\nalgorithm = acer\nsteps = 1000   # trailing\n\nhidden_sizes = 32,32\n", source: "test.conf")
        var configuration = try RunConfiguration(algorithm: "acer")
        try configuration.apply(good)
        #expect(configuration.settings.steps == 1000)
        #expect((configuration.hyperparameters as? ACERConfiguration)?.hiddenSizes == [32, 32])
        #expect(throws: ConfigurationError.syntax("bad.conf:2: expected 'key = value', got 'steps 1000'")) {
            try ConfigurationFile(text: "algorithm = acer\nsteps 1000\n", source: "bad.conf")
        }
        let unknown = try ConfigurationFile(text: "stepz = 5\n", source: "unknown.conf")
        do { try configuration.apply(unknown); Issue.record("accepted an unknown key") } catch let error as ConfigurationError {
            #expect("\(error)".hasPrefix("unknown.conf:1: unknown key 'stepz'"))
        }
    }

    @Test func configJSONRoundTrips() throws {
        var configuration = try RunConfiguration(algorithm: "acer")
        try configuration.apply(overrides: [
            "steps=1234", "trust_region=false", "hidden_sizes=16,8", "learning_rate=0.001", "eval_video=false",
            "workers=1", "c=1",
        ])
        let restored = try RunConfiguration(json: try configuration.jsonData(), source: "config.json")
        #expect(restored.settings == configuration.settings)
        #expect(restored.hyperparameters as? ACERConfiguration == configuration.hyperparameters as? ACERConfiguration)
    }

    @Test func everyBundledPresetLoads() throws {
        for name in TrainingPresets.bundledNames {
            let file = try #require(try TrainingPresets.file(named: name))
            var configuration = try RunConfiguration(algorithm: try #require(file.value(of: "algorithm")))
            try configuration.apply(file)
        }
        #expect(TrainingPresets.bundledNames.contains(Algorithms.defaultPreset))
    }
}

@Suite("Bundled presets")
struct PresetTests {
    @Test("every bundled preset parses, names a registered environment and builds its environment options")
    func presetsAreValid() throws {
        BundledEnvironments.register()
        #expect(TrainingPresets.bundledNames.count >= 10)
        for name in TrainingPresets.bundledNames {
            let file = try #require(try TrainingPresets.file(named: name))
            var configuration = try RunConfiguration(algorithm: try #require(file.value(of: "algorithm"), "\(name) names no algorithm"))
            try configuration.apply(file)
            _ = try Registry.shared.spec(configuration.settings.environment)
            let options = try Algorithms.environmentOptions(configuration.settings.environmentOptions)
            let environment = try Registry.shared.make(configuration.settings.environment, options: options)
            environment.close()
        }
    }
}

@Suite("Registered presets")
struct RegisteredPresetTests {
    @Test func aPackagesPresetIsFoundForItsAlgorithmAndEnvironmentAndBadOnesAreRefused() throws {
        let name = "ppo-test-\(UInt32.random(in: 0...UInt32.max))"
        try TrainingPresets.register(name: name, text: "algorithm = ppo\nenv = Test-v0\nsteps = 1234\n")
        #expect(TrainingPresets.names.contains(name) && !TrainingPresets.bundledNames.contains(name))
        #expect(TrainingPresets.file(algorithm: "ppo", environment: "Test-v0")?.value(of: "steps") == "1234")
        #expect(throws: ConfigurationError.self) { try TrainingPresets.register(name: name, text: "algorithm = ppo\nenv = Test-v0\n") }
        #expect(throws: ConfigurationError.self) {
            try TrainingPresets.register(name: "acer-cartpole", text: "algorithm = acer\nenv = X\n")
        }
        #expect(throws: ConfigurationError.self) { try TrainingPresets.register(name: "no-env", text: "algorithm = ppo\n") }
        #expect(throws: ConfigurationError.self) {
            try TrainingPresets.register(name: "bad-key", text: "algorithm = ppo\nenv = X\nlearning_rat = 1\n")
        }
    }
}

@Suite("One key vocabulary")
struct KeyVocabularyTests {
    @Test func theReferenceNamesStayAcceptedAndConfigJSONUsesTheSharedNames() throws {
        var sac = try RunConfiguration(algorithm: "sac")
        try sac.apply(overrides: ["discount=0.9", "init_steps=7"])
        let json = try #require(try JSONSerialization.jsonObject(with: sac.jsonData()) as? [String: Any])
        let values = try #require(json["sac"] as? [String: Any])
        #expect(values["gamma"] as? Double == 0.9 && values["initial_steps"] as? Int == 7 && values["discount"] == nil)
        // A config.json written before the rename (reference names) still loads.
        let old = #"{"algorithm": "ppo", "env": "CartPole-v1", "ppo": {"entropy_coef": 0.02}}"#
        let ppo = try RunConfiguration(json: Data(old.utf8), source: "old config.json")
        #expect(ppo.hyperparameters.values.first { $0.key == "ent_coef" }?.value == .double(0.02))
        // Every algorithm uses the same names for the same things.
        for algorithm in ["acer", "goal-acer", "ppo", "sac", "sac-ae"] {
            let keys = try RunConfiguration(algorithm: algorithm).hyperparameters.keys
            #expect(keys.contains("gamma"), "\(algorithm)")
            #expect(!keys.contains("discount") && !keys.contains("entropy_coef") && !keys.contains("init_steps"), "\(algorithm)")
        }
    }
}
