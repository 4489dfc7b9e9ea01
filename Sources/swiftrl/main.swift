print("swiftrl")
