// V8 ships the TC39 base64 methods; the TypeScript lib may not declare them.
interface Base64Uint8Array {
  fromBase64?: (text: string) => Uint8Array;
}
interface Base64Bytes {
  toBase64?: () => string;
}

/** Decodes standard base64 (whitespace tolerated); throws on bad input. */
export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  const native = (Uint8Array as unknown as Base64Uint8Array).fromBase64;
  if (native !== undefined) return native(clean);
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Encodes bytes as standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  const native = (bytes as unknown as Base64Bytes).toBase64;
  if (native !== undefined) return native.call(bytes);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
