/// The values of one parse, by key (`common.threads`).
final class ParsedValues {
  var values: [String: Any] = [:]
}

/// Builds a parsed command: the synthesized `init(from:)` of a
/// `ParsableArguments` type asks it for each property, and each property
/// wrapper takes its value from the `FieldDecoder` it is handed.
struct ArgumentsDecoder: Decoder {
  let values: ParsedValues
  let prefix: String
  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    KeyedDecodingContainer(FieldsContainer<Key>(decoder: self))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw notAnArgument("") }
  func singleValueContainer() throws -> any SingleValueDecodingContainer {
    throw notAnArgument("")
  }
}

/// The decoder of one property: the wrapper reads `values[key]`.
struct FieldDecoder: Decoder {
  let values: ParsedValues
  let key: String
  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    throw notAnArgument(key)
  }
  func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw notAnArgument(key) }
  func singleValueContainer() throws -> any SingleValueDecodingContainer {
    throw notAnArgument(key)
  }
}

/// The error for a stored property that is not an argument wrapper: a
/// programming mistake in a command's declaration.
func notAnArgument(_ key: String) -> DecodingError {
  .dataCorrupted(
    .init(
      codingPath: [],
      debugDescription: "'\(key)' is not declared with @Option, @Flag, @Argument or @OptionGroup"))
}

/// Hands each property a `FieldDecoder`; any other request is a declaration mistake.
struct FieldsContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let decoder: ArgumentsDecoder
  var codingPath: [any CodingKey] { [] }
  var allKeys: [Key] { [] }

  func contains(_ key: Key) -> Bool { true }

  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
    try T(from: FieldDecoder(values: decoder.values, key: decoder.prefix + key.stringValue))
  }

  func decodeNil(forKey key: Key) throws -> Bool { throw notAnArgument(key.stringValue) }
  func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: String.Type, forKey key: Key) throws -> String {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
    throw notAnArgument(key.stringValue)
  }
  func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
    throw notAnArgument(key.stringValue)
  }

  func nestedContainer<NestedKey: CodingKey>(
    keyedBy type: NestedKey.Type, forKey key: Key
  ) throws -> KeyedDecodingContainer<NestedKey> { throw notAnArgument(key.stringValue) }
  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    throw notAnArgument(key.stringValue)
  }
  func superDecoder() throws -> any Decoder { throw notAnArgument("super") }
  func superDecoder(forKey key: Key) throws -> any Decoder { throw notAnArgument(key.stringValue) }
}
