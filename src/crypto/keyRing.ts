// The key ring: the part an HSM plays in AWS KMS. It turns the wrapped forms the rest of
// keyledger handles (KEKs in the vault, key material in events) into working keys, uses them,
// and hands back only ciphertexts, data keys the caller asked for, or wrapped forms.
//
// Hierarchy (DESIGN.md): root key → per-key KEK (vault, wrapped under the root key, bound to
// the key ARN) → key material (events, wrapped under the KEK, bound to key ARN + material id).
//
// Unwrapped KEKs and materials are cached in this object's private maps, like the working set
// of an HSM's memory, so that the hot path costs one HKDF and one AES-GCM rather than two
// unwraps and a vault read per request. The cache is bounded, lives only in process memory,
// and `shred` drops a key's entries before its KEK is destroyed.
import { randomBytes } from './random.js';
import { decryptSymmetric, encryptSymmetric, parseEnvelope, type ParsedEnvelope } from './envelope.js';
import { generateKek, newKeyMaterial, unwrapKek, unwrapMaterial, wrapKek, wrapMaterial } from './keyWrap.js';
import { keyUnavailable } from './errors.js';
import type { EncryptionContext } from './encryptionContext.js';

/** Material as events carry it: its id and its wrapped bytes in base64. */
export interface WrappedMaterialRef {
  readonly keyMaterialId: string;
  readonly wrapped: string;
}

/** Where wrapped KEKs live (the store's KeyVault satisfies this). */
export interface KekVault {
  put(id: string, wrapped: Uint8Array): Promise<void>;
  get(id: string): Promise<Uint8Array | undefined>;
  destroy(id: string): Promise<void>;
}

const MAX_CACHED = 10_000;

export class KeyRing {
  private readonly keks = new Map<string, Uint8Array>();
  private readonly materials = new Map<string, Uint8Array>();

  constructor(
    private readonly root: Uint8Array,
    private readonly vault: KekVault,
  ) {}

  /** A new KMS key: a fresh KEK, durably in the vault before any event names the key, and its first material. */
  async createKey(keyArn: string): Promise<WrappedMaterialRef> {
    const kek = generateKek();
    await this.vault.put(keyArn, wrapKek(this.root, kek, keyArn));
    this.remember(this.keks, keyArn, kek);
    return this.wrapNew(keyArn, kek);
  }

  /** Fresh material for a rotation, wrapped under the key's KEK. */
  async newMaterial(keyArn: string): Promise<WrappedMaterialRef> {
    return this.wrapNew(keyArn, await this.kek(keyArn));
  }

  /** Symmetric Encrypt; the envelope names the key id and the material id. */
  async encrypt(
    keyArn: string,
    keyId: string,
    ref: WrappedMaterialRef,
    plaintext: Uint8Array,
    context?: EncryptionContext,
  ): Promise<Uint8Array> {
    const material = await this.material(keyArn, ref);
    return encryptSymmetric({ keyId, materialId: ref.keyMaterialId, material, plaintext, context });
  }

  async decrypt(keyArn: string, ref: WrappedMaterialRef, blob: Uint8Array, context?: EncryptionContext): Promise<Uint8Array> {
    const material = await this.material(keyArn, ref);
    return decryptSymmetric({ blob, material, context });
  }

  /** Reads which key and material a ciphertext names, before any crypto runs. */
  parse(blob: Uint8Array): ParsedEnvelope {
    return parseEnvelope(blob);
  }

  random(n: number): Uint8Array {
    return randomBytes(n);
  }

  /** Crypto-shredding: forget every working key of `keyArn`, then destroy its KEK in the vault. */
  async shred(keyArn: string): Promise<void> {
    this.keks.get(keyArn)?.fill(0);
    this.keks.delete(keyArn);
    for (const [id, m] of this.materials) {
      if (id.startsWith(`${keyArn}#`)) {
        m.fill(0);
        this.materials.delete(id);
      }
    }
    await this.vault.destroy(keyArn);
  }

  private wrapNew(keyArn: string, kek: Uint8Array): WrappedMaterialRef {
    const { material, materialId } = newKeyMaterial();
    const wrapped = wrapMaterial(kek, material, { keyArn, materialId });
    this.remember(this.materials, `${keyArn}#${materialId}`, material);
    return { keyMaterialId: materialId, wrapped: Buffer.from(wrapped).toString('base64') };
  }

  private async kek(keyArn: string): Promise<Uint8Array> {
    const cached = this.keks.get(keyArn);
    if (cached) return cached;
    const wrapped = await this.vault.get(keyArn);
    if (!wrapped) throw keyUnavailable();
    const kek = unwrapKek(this.root, wrapped, keyArn);
    this.remember(this.keks, keyArn, kek);
    return kek;
  }

  private async material(keyArn: string, ref: WrappedMaterialRef): Promise<Uint8Array> {
    const id = `${keyArn}#${ref.keyMaterialId}`;
    const cached = this.materials.get(id);
    if (cached) return cached;
    const kek = await this.kek(keyArn);
    const material = unwrapMaterial(kek, Buffer.from(ref.wrapped, 'base64'), { keyArn, materialId: ref.keyMaterialId });
    this.remember(this.materials, id, material);
    return material;
  }

  /**
   * Bounded cache: drops the oldest entry (Map keeps insertion order). It does NOT zero what it
   * drops: an operation that fetched the key may still be between its await and its use, and
   * a zeroed key would silently encrypt under all zeros. `shred` zeroes, because it runs inside
   * the key's stream writer, where no other use of the same key can be in flight.
   */
  private remember(cache: Map<string, Uint8Array>, id: string, value: Uint8Array): void {
    if (cache.size >= MAX_CACHED) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(id, value);
  }
}
