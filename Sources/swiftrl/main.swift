// The `swiftrl` program: the command tree of SwiftRLCommandLine with the bundled environments.
import SwiftRLCommandLine

SwiftRLCommand.main()
