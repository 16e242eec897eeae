package views

import "net/http"

// ErrorInfo is what an error page may say: nothing internal.
type ErrorInfo struct {
	Status         int
	Title, Message string
	RequestID      string
}

func errorTitle(e ErrorInfo) string {
	if e.Title != "" {
		return e.Title
	}
	if t := http.StatusText(e.Status); t != "" {
		return t
	}
	return "Something went wrong"
}

func errorStatus(status int) string {
	if status == 0 {
		return ""
	}
	return Number(status)
}
