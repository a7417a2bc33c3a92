import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { validateBtc } from '../../extractors/entities/validators/btc.ts';
import { decodeSegwit } from '../../extractors/entities/validators/bech32.ts';
import { validateEth } from '../../extractors/entities/validators/eth.ts';
import { decodeMoneroBase58, encodeMoneroBase58 } from '../../extractors/entities/validators/monero-base58.ts';
import { validateOnion } from '../../extractors/entities/validators/onion.ts';
import { validateXmr } from '../../extractors/entities/validators/xmr.ts';

describe('btc validator', () => {
  it.each([
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'p2pkh'],
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'p2pkh'],
    ['1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', 'p2pkh'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'p2sh'],
  ])('accepts base58check %s', (address, kind) => {
    expect(validateBtc(address)).toEqual({ value: address, details: { kind } });
  });

  it.each([
    // BIP-173 / BIP-350 valid mainnet vectors.
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'p2wpkh'],
    ['bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3', 'p2wsh'],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'p2wpkh'],
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', 'p2tr'],
    ['bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y', 'segwit-v1'],
    ['BC1SW50QGDZ25J', 'segwit-v16'],
    ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 'segwit-v2'],
  ])('accepts segwit %s, canonical lowercase', (address, kind) => {
    expect(validateBtc(address)).toEqual({ value: address.toLowerCase(), details: { kind } });
  });

  it.each([
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', 'base58 checksum off by one character'],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf', 'too short'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNL0', 'character outside base58'],
    ['2J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'unknown leading character'],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'bech32 checksum off by one character'],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'v0 with a bech32m checksum'],
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'v1 with a bech32 checksum'],
    ['BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL', 'v16 with a bech32 checksum'],
    ['bc1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'mixed case'],
    ['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'testnet is not reported'],
  ])('refuses %s (%s)', (address) => {
    expect(validateBtc(address)).toBeNull();
  });

  it('decodes the witness program of a v0 address', () => {
    const decoded = decodeSegwit('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'bc');
    expect(decoded?.version).toBe(0);
    expect(Buffer.from(decoded?.program ?? []).toString('hex')).toBe('751e76e8199196d454941c45d1b3a323f1433bd6');
  });
});

describe('eth validator', () => {
  it.each([
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ])('accepts EIP-55 %s, canonical lowercase', (address) => {
    expect(validateEth(address)).toEqual({ value: address.toLowerCase(), details: { checksum: 'eip55' } });
  });

  it('accepts all-lowercase and all-uppercase hex (no checksum)', () => {
    expect(validateEth('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')?.value).toBe('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
    expect(validateEth('0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED')?.value).toBe('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
  });

  it.each([
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', 'one letter in the wrong case'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe', 'too short'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd', 'too long'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg', 'not hex'],
  ])('refuses %s (%s)', (address) => {
    expect(validateEth(address)).toBeNull();
  });
});

describe('xmr validator', () => {
  const standard = '42z3MVZMRgE72dPA89MtCD6tYeWke8cV2B3YPYg1pe5x9X7VVqee6MWhjPrjCMiUFwejWkh8KL6MpN8cwX7B5WuZAxw2YbQ';
  const integrated =
    '4BUqMSeJfNQGudzEJNvzQ2LXh4tbUdW4YCM7mq55edxBT7t1297vwCMZSnJwGvEKEKbH8hGmhZZAGhdHbp2te6AA38ZMi4knaCKLprMPni';

  it('decodes a standard address to network byte, spend key and view key', () => {
    const bytes = decodeMoneroBase58(standard);
    expect(Buffer.from(bytes ?? []).toString('hex').slice(0, 130)).toBe(
      '12' +
        '23e98445b5dfe3240a15ca5dfd00f62334d2eef0e4a94d3c0c4c32e08323cb32' +
        'eecbb34bdf8671f383ab7d6feeacb6e1973c3f4c890c637e5612f5377bb57c58',
    );
  });

  it('accepts standard and integrated addresses', () => {
    expect(validateXmr(standard)).toEqual({ value: standard, details: { kind: 'standard' } });
    expect(validateXmr(integrated)).toEqual({ value: integrated, details: { kind: 'integrated' } });
  });

  it('accepts a subaddress (network byte 42, "8...")', () => {
    const body = new Uint8Array(65);
    body[0] = 42;
    for (let i = 1; i < 65; i++) body[i] = (i * 37) & 0xff;
    const address = encodeMoneroBase58(Uint8Array.from([...body, ...keccak_256(body).subarray(0, 4)]));
    expect(address).toHaveLength(95);
    expect(address.startsWith('8')).toBe(true);
    expect(validateXmr(address)).toEqual({ value: address, details: { kind: 'subaddress' } });
  });

  it.each([
    [standard.slice(0, -1) + (standard.endsWith('Q') ? 'R' : 'Q'), 'checksum broken'],
    [standard.slice(0, 94), 'too short'],
    ['4' + standard.slice(1, 50) + '0' + standard.slice(51), 'character outside base58'],
  ])('refuses %s (%s)', (address) => {
    expect(validateXmr(address)).toBeNull();
  });
});

describe('onion validator', () => {
  it.each([
    'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion',
    '2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion',
  ])('accepts v3 %s', (host) => {
    expect(validateOnion(host)).toEqual({ value: host, details: { version: '3' } });
  });

  it('canonicalises case and subdomains', () => {
    expect(validateOnion('www.DuckDuckGoGG42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion')?.value).toBe(
      'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion',
    );
  });

  it('reports v2 addresses without a checksum', () => {
    expect(validateOnion('expyuzz4wqqyqhjn.onion')).toEqual({ value: 'expyuzz4wqqyqhjn.onion', details: { version: '2' } });
  });

  it.each([
    ['duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczae.onion', 'checksum broken'],
    ['duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzcza.onion', '55 characters'],
    ['duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzcza1.onion', 'not base32'],
    ['example.onion', 'neither v2 nor v3'],
  ])('refuses %s (%s)', (host) => {
    expect(validateOnion(host)).toBeNull();
  });
});
