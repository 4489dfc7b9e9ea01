import Foundation
import Gym

/// Encodes frames as an animated GIF89a with no external program: a fixed 252-colour palette
/// (a 6 x 7 x 6 RGB cube), LZW-compressed image data and a looping application extension.
public struct GIFEncoder {
    /// Frame width and height in pixels.
    public let width: Int, height: Int
    /// Frames per second (GIF stores the delay in hundredths of a second).
    public let framesPerSecond: Int
    private(set) var data = Data()

    /// An encoder for frames of the given size.
    public init(width: Int, height: Int, framesPerSecond: Int) {
        self.width = width
        self.height = height
        self.framesPerSecond = max(1, framesPerSecond)
        data.append(contentsOf: Array("GIF89a".utf8))
        appendWord(width); appendWord(height)
        data.append(contentsOf: [0xF7, 0, 0])  // global colour table of 256 entries, 8 bits per primary
        for index in 0..<256 {
            let color = GIFEncoder.paletteColor(index)
            data.append(contentsOf: [color.red, color.green, color.blue])
        }
        // Loop forever (NETSCAPE2.0 application extension).
        data.append(contentsOf: [0x21, 0xFF, 0x0B] + Array("NETSCAPE2.0".utf8) + [0x03, 0x01, 0x00, 0x00, 0x00])
    }

    /// The palette entry `index` (the cube for 0..<252, black after).
    static func paletteColor(_ index: Int) -> Color {
        guard index < 252 else { return .black }
        let r = index / 42, g = (index / 6) % 7, b = index % 6
        return Color(UInt8(r * 255 / 5), UInt8(g * 255 / 6), UInt8(b * 255 / 5))
    }

    /// The nearest palette index of a colour.
    @inline(__always)
    static func paletteIndex(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let ri = (Int(r) * 5 + 127) / 255, gi = (Int(g) * 6 + 127) / 255, bi = (Int(b) * 5 + 127) / 255
        return UInt8(ri * 42 + gi * 6 + bi)
    }

    /// Adds one frame (must match the encoder's size).
    public mutating func append(_ frame: Frame) throws {
        guard frame.width == width, frame.height == height else {
            throw VideoError.frameSize("a \(frame.width)x\(frame.height) frame was given to a \(width)x\(height) GIF")
        }
        let delay = max(1, Int((100.0 / Double(framesPerSecond)).rounded()))
        data.append(contentsOf: [0x21, 0xF9, 0x04, 0x00]); appendWord(delay); data.append(contentsOf: [0x00, 0x00])
        data.append(0x2C); appendWord(0); appendWord(0); appendWord(width); appendWord(height); data.append(0x00)
        var indices = [UInt8](repeating: 0, count: width * height)
        frame.pixels.withUnsafeBufferPointer { pixels in
            for index in 0..<(width * height) {
                indices[index] = GIFEncoder.paletteIndex(pixels[index * 3], pixels[index * 3 + 1], pixels[index * 3 + 2])
            }
        }
        let compressed = GIFEncoder.lzw(indices, minimumCodeSize: 8)
        data.append(8)
        var offset = 0
        while offset < compressed.count {
            let length = min(255, compressed.count - offset)
            data.append(UInt8(length))
            data.append(contentsOf: compressed[offset..<offset + length])
            offset += length
        }
        data.append(0x00)
    }

    /// The finished file's bytes (with the trailer).
    public func finished() -> Data {
        var result = data
        result.append(0x3B)
        return result
    }

    private mutating func appendWord(_ value: Int) {
        data.append(UInt8(value & 0xFF)); data.append(UInt8((value >> 8) & 0xFF))
    }

    /// GIF's variable-width LZW (codes up to 12 bits, clear code on a full table), packed LSB first.
    static func lzw(_ input: [UInt8], minimumCodeSize: Int) -> [UInt8] {
        let clearCode = 1 << minimumCodeSize, endCode = clearCode + 1
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 2)
        var bitBuffer = 0, bitCount = 0
        var codeSize = minimumCodeSize + 1
        func emit(_ code: Int) {
            bitBuffer |= code << bitCount
            bitCount += codeSize
            while bitCount >= 8 {
                output.append(UInt8(bitBuffer & 0xFF))
                bitBuffer >>= 8
                bitCount -= 8
            }
        }
        var table: [Int: Int] = [:]  // (prefix code << 8 | byte) -> code
        var nextCode = endCode + 1
        emit(clearCode)
        guard var prefix = input.first.map(Int.init) else {
            emit(endCode)
            if bitCount > 0 { output.append(UInt8(bitBuffer & 0xFF)) }
            return output
        }
        for byte in input.dropFirst() {
            let key = prefix << 8 | Int(byte)
            if let code = table[key] {
                prefix = code
                continue
            }
            emit(prefix)
            if nextCode < 4096 {
                table[key] = nextCode
                nextCode += 1
                if nextCode > (1 << codeSize) && codeSize < 12 { codeSize += 1 }
            } else {
                emit(clearCode)
                table.removeAll(keepingCapacity: true)
                nextCode = endCode + 1
                codeSize = minimumCodeSize + 1
            }
            prefix = Int(byte)
        }
        emit(prefix)
        emit(endCode)
        if bitCount > 0 { output.append(UInt8(bitBuffer & 0xFF)) }
        return output
    }
}
