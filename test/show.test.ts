/** `showCompact`, `showSetting` and `showCosine`: the numbers of reports and tables. */
import { describe, expect, it } from 'vitest'
import { showCompact, showCosine, showSetting } from '../core/show.ts'

describe('showCompact', () => {
  it('keeps 4 significant digits between 1e-3 and 1e6', () => {
    expect(showCompact(0.123456)).toBe('0.1235')
    expect(showCompact(18.6349)).toBe('18.63')
    expect(showCompact(-2.5)).toBe('-2.5')
    expect(showCompact(999_999)).toBe('1e6')
  })

  it('uses e-notation below 1e-3 and from 1e6 on, without a plus sign', () => {
    expect(showCompact(1e-6)).toBe('1e-6')
    expect(showCompact(2.3456e-16)).toBe('2.346e-16')
    expect(showCompact(1234567)).toBe('1.235e6')
  })

  it('writes 0 and non-finite values plainly', () => {
    expect(showCompact(0)).toBe('0')
    expect(showCompact(Infinity)).toBe('Infinity')
  })
})

describe('showSetting', () => {
  it('shows a setting compactly where that is the number, else with all its digits', () => {
    expect(showSetting(1e-6)).toBe('1e-6')
    expect(showSetting(0.01)).toBe('0.01')
    // A tolerance just below 1, which [0, 1) allows, is not shown as 1.
    expect(showSetting(0.9999999)).toBe('0.9999999')
    expect(showSetting(1.00004e-6)).toBe('1.00004e-6')
    expect(showSetting(1.23456789e21)).toBe('1.23456789e21')
  })
})

describe('showCosine', () => {
  it('writes exactly 1 as 1, and anything else with 6 decimals', () => {
    expect(showCosine(1)).toBe('1')
    expect(showCosine(0.9999996)).toBe('1.000000')
    expect(showCosine(0.99999237)).toBe('0.999992')
    expect(showCosine(-0.5)).toBe('-0.500000')
  })
})
