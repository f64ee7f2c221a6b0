package ui

// timeZones are offered in the time-zone field (any other IANA name is accepted too): the regions
// our sellers and their marketplaces work in, west to east.
var timeZones = []string{
	"Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Phoenix", "America/Denver",
	"America/Chicago", "America/Mexico_City", "America/New_York", "America/Toronto", "America/Bogota",
	"America/Sao_Paulo", "America/Argentina/Buenos_Aires", "Atlantic/Reykjavik", "UTC", "Europe/London",
	"Europe/Dublin", "Europe/Lisbon", "Europe/Madrid", "Europe/Paris", "Europe/Brussels", "Europe/Amsterdam",
	"Europe/Berlin", "Europe/Rome", "Europe/Vienna", "Europe/Zurich", "Europe/Stockholm", "Europe/Warsaw",
	"Europe/Prague", "Europe/Budapest", "Europe/Bucharest", "Europe/Sofia", "Europe/Athens", "Europe/Helsinki",
	"Europe/Kyiv", "Europe/Istanbul", "Europe/Moscow", "Africa/Cairo", "Africa/Johannesburg", "Asia/Dubai",
	"Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Ho_Chi_Minh", "Asia/Jakarta",
	"Asia/Singapore", "Asia/Kuala_Lumpur", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Manila",
	"Asia/Seoul", "Asia/Tokyo", "Australia/Perth", "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland",
}
