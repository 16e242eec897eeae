package views

// ErrorInfo is what an error page may say: nothing internal.
type ErrorInfo struct {
	Status         int
	Title, Message string
	RequestID      string
}
