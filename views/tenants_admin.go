package views

import "strconv"

// Display helpers of the tenant pages.

func wizardStepClass(i, current int) string {
	switch {
	case i < current:
		return "wizard-step done"
	case i == current:
		return "wizard-step current"
	}
	return "wizard-step"
}

func stepTitle(steps []string, i int) string {
	if i < 0 || i >= len(steps) {
		return ""
	}
	return steps[i]
}

// usageText is "37 / 50", or "37 (no limit)" when the limit is 0.
func usageText(used int64, max int) string {
	if max <= 0 {
		return Number(used) + " (no limit)"
	}
	return Number(used) + " / " + Number(max)
}

// meterHigh is where a usage meter turns to a warning: 90% of the limit.
func meterHigh(max int) string {
	return strconv.FormatFloat(float64(max)*0.9, 'f', -1, 64)
}
