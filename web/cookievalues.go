package web

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gorilla/securecookie"
)

// sessionValues serializes a session's values for the cookie codec (which
// still signs and encrypts them). gob, the default, compiles a decoder for
// every cookie and cost as much as the request's database query; the values
// are only ever strings, uint64 ids and lists of strings, so a form-encoded
// list of typed keys does: s:csrf=…&u:tenant=3&l:flashes=…&l:flashes=….
type sessionValues struct{}

var _ securecookie.Serializer = sessionValues{}

func (sessionValues) Serialize(src any) ([]byte, error) {
	values, ok := src.(map[any]any)
	if !ok {
		return nil, fmt.Errorf("session values: unexpected %T", src)
	}
	out := make(url.Values, len(values))
	for k, v := range values {
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("session values: key %v is not a string", k)
		}
		switch v := v.(type) {
		case string:
			out.Set("s:"+key, v)
		case uint64:
			out.Set("u:"+key, strconv.FormatUint(v, 10))
		case []any:
			for _, item := range v {
				s, ok := item.(string)
				if !ok {
					return nil, fmt.Errorf("session values: %s holds a %T", key, item)
				}
				out.Add("l:"+key, s)
			}
		default:
			return nil, fmt.Errorf("session values: %s holds a %T", key, v)
		}
	}
	return []byte(out.Encode()), nil
}

func (sessionValues) Deserialize(src []byte, dst any) error {
	values, ok := dst.(*map[any]any)
	if !ok {
		return fmt.Errorf("session values: unexpected %T", dst)
	}
	in, err := url.ParseQuery(string(src))
	if err != nil {
		return err
	}
	for k, vs := range in {
		if len(k) < 2 || k[1] != ':' || len(vs) == 0 {
			return fmt.Errorf("session values: bad key %q", k)
		}
		key := k[2:]
		switch k[0] {
		case 's':
			(*values)[key] = vs[0]
		case 'u':
			n, err := strconv.ParseUint(vs[0], 10, 64)
			if err != nil {
				return err
			}
			(*values)[key] = n
		case 'l':
			items := make([]any, len(vs))
			for i, s := range vs {
				items[i] = s
			}
			(*values)[key] = items
		default:
			return fmt.Errorf("session values: bad key %q", k)
		}
	}
	return nil
}
