package nearest

import "strings"

// builtinRegions gives approximate coordinates of public cloud regions, keyed
// by lower-case region name. Each entry is the city (or the metro area's main
// city) the region is in or named after; a few kilometres of error do not
// matter for choosing between regions that are hundreds of kilometres apart.
// The three clouds' naming schemes do not collide (AWS "us-east-1", GCP
// "us-east1", Azure "eastus"), so one table serves them all. Clusters
// elsewhere (on premises, other clouds) get coordinates from the Corefile.
var builtinRegions = map[string]LatLon{
	// AWS commercial regions.
	"us-east-1":      {39.04, -77.49},  // N. Virginia (Ashburn)
	"us-east-2":      {39.96, -83.00},  // Ohio (Columbus)
	"us-west-1":      {37.77, -122.42}, // N. California (San Francisco)
	"us-west-2":      {45.84, -119.70}, // Oregon (Boardman)
	"ca-central-1":   {45.50, -73.57},  // Montreal
	"ca-west-1":      {51.05, -114.07}, // Calgary
	"mx-central-1":   {20.59, -100.39}, // Querétaro
	"sa-east-1":      {-23.55, -46.63}, // São Paulo
	"eu-west-1":      {53.35, -6.26},   // Dublin
	"eu-west-2":      {51.51, -0.13},   // London
	"eu-west-3":      {48.86, 2.35},    // Paris
	"eu-central-1":   {50.11, 8.68},    // Frankfurt
	"eu-central-2":   {47.38, 8.54},    // Zurich
	"eu-south-1":     {45.46, 9.19},    // Milan
	"eu-south-2":     {41.65, -0.88},   // Aragón (Zaragoza)
	"eu-north-1":     {59.33, 18.07},   // Stockholm
	"il-central-1":   {32.09, 34.78},   // Tel Aviv
	"me-south-1":     {26.23, 50.59},   // Bahrain (Manama)
	"me-central-1":   {25.20, 55.27},   // UAE (Dubai)
	"af-south-1":     {-33.92, 18.42},  // Cape Town
	"ap-east-1":      {22.32, 114.17},  // Hong Kong
	"ap-east-2":      {25.03, 121.57},  // Taipei
	"ap-south-1":     {19.08, 72.88},   // Mumbai
	"ap-south-2":     {17.39, 78.49},   // Hyderabad
	"ap-northeast-1": {35.68, 139.69},  // Tokyo
	"ap-northeast-2": {37.57, 126.98},  // Seoul
	"ap-northeast-3": {34.69, 135.50},  // Osaka
	"ap-southeast-1": {1.35, 103.82},   // Singapore
	"ap-southeast-2": {-33.87, 151.21}, // Sydney
	"ap-southeast-3": {-6.21, 106.85},  // Jakarta
	"ap-southeast-4": {-37.81, 144.96}, // Melbourne
	"ap-southeast-5": {3.14, 101.69},   // Malaysia (Kuala Lumpur)
	"ap-southeast-6": {-36.85, 174.76}, // New Zealand (Auckland)
	"ap-southeast-7": {13.76, 100.50},  // Thailand (Bangkok)

	// Google Cloud regions.
	"us-central1":             {41.26, -95.86},  // Council Bluffs, Iowa
	"us-east1":                {33.20, -80.01},  // Moncks Corner, South Carolina
	"us-east4":                {39.04, -77.49},  // Ashburn, Virginia
	"us-east5":                {39.96, -83.00},  // Columbus, Ohio
	"us-south1":               {32.78, -96.80},  // Dallas
	"us-west1":                {45.60, -121.18}, // The Dalles, Oregon
	"us-west2":                {34.05, -118.24}, // Los Angeles
	"us-west3":                {40.76, -111.89}, // Salt Lake City
	"us-west4":                {36.17, -115.14}, // Las Vegas
	"northamerica-northeast1": {45.50, -73.57},  // Montréal
	"northamerica-northeast2": {43.65, -79.38},  // Toronto
	"northamerica-south1":     {20.59, -100.39}, // Querétaro
	"southamerica-east1":      {-23.53, -46.79}, // São Paulo (Osasco)
	"southamerica-west1":      {-33.45, -70.67}, // Santiago
	"europe-west1":            {50.45, 3.82},    // St. Ghislain, Belgium
	"europe-west2":            {51.51, -0.13},   // London
	"europe-west3":            {50.11, 8.68},    // Frankfurt
	"europe-west4":            {53.44, 6.83},    // Eemshaven, Netherlands
	"europe-west6":            {47.38, 8.54},    // Zurich
	"europe-west8":            {45.46, 9.19},    // Milan
	"europe-west9":            {48.86, 2.35},    // Paris
	"europe-west10":           {52.52, 13.40},   // Berlin
	"europe-west12":           {45.07, 7.69},    // Turin
	"europe-central2":         {52.23, 21.01},   // Warsaw
	"europe-north1":           {60.57, 27.20},   // Hamina, Finland
	"europe-north2":           {59.33, 18.07},   // Stockholm
	"europe-southwest1":       {40.42, -3.70},   // Madrid
	"me-west1":                {32.09, 34.78},   // Tel Aviv
	"me-central1":             {25.29, 51.53},   // Doha
	"me-central2":             {26.43, 50.10},   // Dammam
	"africa-south1":           {-26.20, 28.05},  // Johannesburg
	"asia-east1":              {24.05, 120.52},  // Changhua County, Taiwan
	"asia-east2":              {22.32, 114.17},  // Hong Kong
	"asia-northeast1":         {35.68, 139.69},  // Tokyo
	"asia-northeast2":         {34.69, 135.50},  // Osaka
	"asia-northeast3":         {37.57, 126.98},  // Seoul
	"asia-south1":             {19.08, 72.88},   // Mumbai
	"asia-south2":             {28.61, 77.21},   // Delhi
	"asia-southeast1":         {1.34, 103.71},   // Jurong West, Singapore
	"asia-southeast2":         {-6.21, 106.85},  // Jakarta
	"australia-southeast1":    {-33.87, 151.21}, // Sydney
	"australia-southeast2":    {-37.81, 144.96}, // Melbourne

	// Azure regions.
	"eastus":             {36.67, -78.39},  // Virginia (Boydton)
	"eastus2":            {36.67, -78.39},  // Virginia (Boydton)
	"centralus":          {41.59, -93.62},  // Iowa (Des Moines)
	"northcentralus":     {41.88, -87.63},  // Illinois (Chicago)
	"southcentralus":     {29.42, -98.49},  // Texas (San Antonio)
	"westcentralus":      {41.14, -104.82}, // Wyoming (Cheyenne)
	"westus":             {37.77, -122.42}, // California (San Francisco)
	"westus2":            {47.23, -119.85}, // Washington (Quincy)
	"westus3":            {33.45, -112.07}, // Arizona (Phoenix)
	"canadacentral":      {43.65, -79.38},  // Toronto
	"canadaeast":         {46.81, -71.21},  // Quebec City
	"mexicocentral":      {20.59, -100.39}, // Querétaro
	"brazilsouth":        {-23.55, -46.63}, // São Paulo
	"brazilsoutheast":    {-22.91, -43.17}, // Rio de Janeiro
	"chilecentral":       {-33.45, -70.67}, // Santiago
	"northeurope":        {53.35, -6.26},   // Ireland (Dublin)
	"westeurope":         {52.37, 4.90},    // Netherlands (Amsterdam)
	"uksouth":            {51.51, -0.13},   // London
	"ukwest":             {51.48, -3.18},   // Cardiff
	"francecentral":      {48.86, 2.35},    // Paris
	"francesouth":        {43.30, 5.37},    // Marseille
	"germanywestcentral": {50.11, 8.68},    // Frankfurt
	"germanynorth":       {52.52, 13.40},   // Berlin
	"switzerlandnorth":   {47.38, 8.54},    // Zurich
	"switzerlandwest":    {46.20, 6.14},    // Geneva
	"norwayeast":         {59.91, 10.75},   // Oslo
	"norwaywest":         {58.97, 5.73},    // Stavanger
	"swedencentral":      {60.67, 17.14},   // Gävle
	"swedensouth":        {55.60, 13.00},   // Malmö
	"polandcentral":      {52.23, 21.01},   // Warsaw
	"italynorth":         {45.46, 9.19},    // Milan
	"spaincentral":       {40.42, -3.70},   // Madrid
	"austriaeast":        {48.21, 16.37},   // Vienna
	"belgiumcentral":     {50.85, 4.35},    // Brussels
	"denmarkeast":        {55.68, 12.57},   // Copenhagen
	"israelcentral":      {32.09, 34.78},   // Israel (Tel Aviv)
	"qatarcentral":       {25.29, 51.53},   // Doha
	"uaenorth":           {25.20, 55.27},   // Dubai
	"uaecentral":         {24.45, 54.38},   // Abu Dhabi
	"southafricanorth":   {-26.20, 28.05},  // Johannesburg
	"southafricawest":    {-33.92, 18.42},  // Cape Town
	"eastasia":           {22.32, 114.17},  // Hong Kong
	"southeastasia":      {1.35, 103.82},   // Singapore
	"japaneast":          {35.68, 139.69},  // Tokyo
	"japanwest":          {34.69, 135.50},  // Osaka
	"koreacentral":       {37.57, 126.98},  // Seoul
	"koreasouth":         {35.18, 129.08},  // Busan
	"centralindia":       {18.52, 73.86},   // Pune
	"southindia":         {13.08, 80.27},   // Chennai
	"westindia":          {19.08, 72.88},   // Mumbai
	"jioindiacentral":    {21.15, 79.09},   // Nagpur
	"jioindiawest":       {22.47, 70.06},   // Jamnagar
	"australiaeast":      {-33.87, 151.21}, // New South Wales (Sydney)
	"australiasoutheast": {-37.81, 144.96}, // Victoria (Melbourne)
	"australiacentral":   {-35.28, 149.13}, // Canberra
	"australiacentral2":  {-35.28, 149.13}, // Canberra
	"newzealandnorth":    {-36.85, 174.76}, // Auckland
	"indonesiacentral":   {-6.21, 106.85},  // Jakarta
	"malaysiawest":       {3.14, 101.69},   // Kuala Lumpur
}

// RegionCoordinates returns the built-in coordinates of a cloud region, looked up
// case-insensitively. Providers use it off the query path to map a cluster's
// region onto the nearest region their own cloud routes by (Route 53 latency
// regions, Cloud DNS geo locations); it ignores Corefile overrides, which only
// the plugin sees.
func RegionCoordinates(name string) (LatLon, bool) {
	c, ok := builtinRegions[strings.ToLower(name)]
	return c, ok
}
