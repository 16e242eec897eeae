# Sourced by the load scripts. signin HOST PORT USERNAME PASSWORD JAR signs in
# on http://HOST:PORT (dialled on 127.0.0.1) through the login form and prints
# the session cookie's value.
signin() {
  local tok
  tok=$(curl -s -c "$5" -b "$5" --resolve "$1:$2:127.0.0.1" "http://$1:$2/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
  curl -s -o /dev/null -c "$5" -b "$5" --resolve "$1:$2:127.0.0.1" --data-urlencode "username=$3" --data-urlencode "password=$4" -d "_csrf=$tok" "http://$1:$2/login"
  awk '$6=="landlord_session"{print $7}' "$5"
}
