#!/usr/bin/python3
"""API-side steps of the ec2api test cloud (run with /usr/bin/python3).

One process per step, plain REST over urllib (no openstack CLI: ~2 s per call).

  testcloud.py register  STATE     Keystone: projects, roles, users, catalog, EC2 credentials
  testcloud.py resources STATE     image, flavors, public/private networks, router
  testcloud.py ready     STATE     wait until nova has a hypervisor and cinder a pool
  testcloud.py outputs   STATE OUT write credentials, clouds.yaml, ec2api.conf, endpoints.json, env
  testcloud.py check-ec2 STATE     SigV4 (botocore) through POST /v3/ec2tokens with a service token
  testcloud.py smoke     STATE     boot a server as demo on 'private', wait ACTIVE, delete it

STATE is the directory holding ids.json (written by 'register').
"""
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

H = '127.0.0.1'
KEYSTONE = 'http://%s:5000/v3' % H
REGION = 'RegionOne'
SERVICE_PASSWORD = 'servicepass'
SERVICE_USERS = ['glance', 'placement', 'nova', 'neutron', 'cinder']
EC2API_USER, EC2API_PASSWORD = 'ec2api', 'ec2pass'
# name -> (project, password)
TEST_USERS = {'demo': ('demo', 'demo'), 'alt': ('alt', 'alt')}

# service type -> (service name, URL); identity is created by keystone-manage bootstrap
CATALOG = [
    ('image', 'glance', 'http://%s:9292' % H),
    ('placement', 'placement', 'http://%s:8778' % H),
    ('compute', 'nova', 'http://%s:8774/v2.1' % H),
    ('network', 'neutron', 'http://%s:9696' % H),
    ('volumev3', 'cinderv3', 'http://%s:8776/v3/%%(project_id)s' % H),
    ('block-storage', 'cinder', 'http://%s:8776/v3/%%(project_id)s' % H),
    ('ec2', 'ec2api', 'http://%s:8788' % H),
]
ENDPOINTS = dict([('identity', KEYSTONE)] + [(t, u) for t, _, u in CATALOG])
GLANCE = 'http://%s:9292' % H
NOVA = 'http://%s:8774/v2.1' % H
NEUTRON = 'http://%s:9696/v2.0' % H
CINDER = 'http://%s:8776/v3' % H

FLAVORS = [  # id, name, vcpus, ram MiB, disk GiB
    ('1', 'm1.tiny', 1, 512, 1),
    ('2', 'm1.small', 1, 2048, 20),
]
PUBLIC_CIDR, PUBLIC_GW = '192.0.2.0/24', '192.0.2.1'
PRIVATE_CIDR = '10.0.0.0/24'


def log(*a):
    print('[testcloud.py]', *a, flush=True)


class ApiError(Exception):
    pass


def call(method, url, token=None, body=None, raw=None, headers=None,
         expect=(200, 201, 202, 204), timeout=60):
    hdrs = {'Accept': 'application/json'}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs['Content-Type'] = 'application/json'
    if raw is not None:
        data = raw
        hdrs['Content-Type'] = 'application/octet-stream'
    if token:
        hdrs['X-Auth-Token'] = token
    hdrs.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, rhdrs, content = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, rhdrs, content = e.code, e.headers, e.read()
    except (OSError, http.client.HTTPException) as e:
        raise ApiError('%s %s -> %s: %s' % (method, url, type(e).__name__, e))
    try:
        js = json.loads(content) if content else None
    except ValueError:
        js = None
    if expect and status not in expect:
        raise ApiError('%s %s -> HTTP %s: %s' % (method, url, status, content[:600].decode('utf-8', 'replace')))
    return status, rhdrs, js


def get_token(user, password, project, domain='Default'):
    body = {'auth': {
        'identity': {'methods': ['password'], 'password': {
            'user': {'name': user, 'domain': {'name': domain}, 'password': password}}},
        'scope': {'project': {'name': project, 'domain': {'name': domain}}}}}
    _, hdrs, js = call('POST', KEYSTONE + '/auth/tokens', body=body, expect=(201,))
    return hdrs['X-Subject-Token'], js['token']


def load_state(state):
    with open(os.path.join(state, 'ids.json')) as f:
        return json.load(f)


def wait_for(what, fn, timeout, interval=1.0):
    t0 = time.time()
    last = None
    while time.time() - t0 < timeout:
        try:
            r = fn()
            if r:
                return r
        except (ApiError, OSError) as e:
            last = e
        time.sleep(interval)
    raise ApiError('timed out after %ss waiting for %s (last error: %s)' % (timeout, what, last))


# ---------------------------------------------------------------- register
def cmd_register(state):
    """Create (or find) everything; the DB is fresh, so POST first and look up only on 409.
    Independent calls run in a few threads (keystone's token validation is ~50 ms of CPU per call)."""
    from concurrent.futures import ThreadPoolExecutor
    t0 = time.time()
    tok, _ = get_token('admin', 'admin', 'admin')

    def find(coll, **q):
        _, _, js = call('GET', KEYSTONE + '/%s?%s' % (coll, urllib.parse.urlencode(q)), tok, expect=(200,))
        return js[coll]

    def ensure(kind, coll, body, **q):
        st, _, js = call('POST', KEYSTONE + '/' + coll, tok, {kind: body}, expect=(201, 409))
        if st == 201:
            return js[kind]
        return find(coll, **(q or {'name': body['name']}))[0]

    def pmap(fn, items):
        with ThreadPoolExecutor(max_workers=4) as ex:
            return list(ex.map(fn, items))

    # sequential first calls: keystone's policy enforcer loads its rules lazily on the first request,
    # and parallel first requests got 403 from it (seen once)
    admin_project = find('projects', name='admin')[0]['id']
    roles = {r['name']: r['id'] for r in find('roles')}
    projects = dict(zip(['service', 'demo', 'alt'], pmap(
        lambda p: ensure('project', 'projects', {'name': p, 'domain_id': 'default',
                                                 'description': 'ec2api test cloud'})['id'],
        ['service', 'demo', 'alt'])))
    projects['admin'] = admin_project
    for r in ['admin', 'member', 'reader', 'service']:
        if r not in roles:
            roles[r] = ensure('role', 'roles', {'name': r})['id']

    # user -> (password, project, roles on that project)
    # EC2 service account: 'service' is enough for POST /v3/ec2tokens; 'admin' lets it read
    # every user's EC2 secret (GET /v3/credentials?type=ec2) to verify signatures locally.
    wanted = {name: (SERVICE_PASSWORD, 'service', ['admin', 'service']) for name in SERVICE_USERS}
    wanted[EC2API_USER] = (EC2API_PASSWORD, 'service', ['service', 'admin'])
    for name, (project, password) in TEST_USERS.items():
        wanted[name] = (password, project, ['member'])

    def make_user(name):
        password, project, rs = wanted[name]
        uid = ensure('user', 'users', {'name': name, 'password': password, 'domain_id': 'default',
                                       'default_project_id': projects[project]})['id']
        for r in rs:
            call('PUT', KEYSTONE + '/projects/%s/users/%s/roles/%s' % (projects[project], uid, roles[r]),
                 tok, expect=(201, 204))
        return uid
    service_users = SERVICE_USERS + [EC2API_USER]
    users = dict(zip(service_users, pmap(make_user, service_users)))

    def make_service(entry):
        stype, sname, url = entry
        found = find('services', type=stype)
        svc = found[0] if found else ensure('service', 'services', {'type': stype, 'name': sname, 'enabled': True})
        have = {e['interface'] for e in find('endpoints', service_id=svc['id'])}
        for iface in ('public', 'internal', 'admin'):
            if iface not in have:
                call('POST', KEYSTONE + '/endpoints', tok, {'endpoint': {
                    'service_id': svc['id'], 'interface': iface, 'url': url,
                    'region_id': REGION, 'enabled': True}}, expect=(201,))
    pmap(make_service, CATALOG)
    # service users + catalog exist: the OpenStack services may start (nova looks placement up)
    if os.environ.get('TESTCLOUD_SERVICES_MARKER'):
        open(os.environ['TESTCLOUD_SERVICES_MARKER'], 'w').close()
    log('service users and catalog done after %.1fs' % (time.time() - t0))

    users.update(zip(TEST_USERS, pmap(make_user, list(TEST_USERS))))
    users['admin'] = find('users', name='admin')[0]['id']

    def make_ec2(name):
        project = TEST_USERS[name][0]
        url = KEYSTONE + '/users/%s/credentials/OS-EC2' % users[name]
        _, _, js = call('GET', url, tok, expect=(200,))
        mine = [c for c in js['credentials'] if c['tenant_id'] == projects[project]]
        if not mine:
            _, _, js = call('POST', url, tok, {'tenant_id': projects[project]}, expect=(201,))
            mine = [js['credential']]
        return {'access': mine[0]['access'], 'secret': mine[0]['secret']}
    ec2 = dict(zip(TEST_USERS, pmap(make_ec2, list(TEST_USERS))))

    ids = {'projects': projects, 'users': users, 'roles': roles, 'ec2': ec2}
    tmp = os.path.join(state, 'ids.json.tmp')
    with open(tmp, 'w') as f:
        json.dump(ids, f, indent=2)
    os.replace(tmp, os.path.join(state, 'ids.json'))
    log('keystone registration done in %.1fs' % (time.time() - t0))


# ---------------------------------------------------------------- resources
def cmd_resources(state):
    t0 = time.time()
    ids = load_state(state)
    admin, _ = get_token('admin', 'admin', 'admin')
    demo, _ = get_token('demo', 'demo', 'demo')

    # image: a tiny raw file, public
    _, _, js = call('GET', GLANCE + '/v2/images?name=testimg', admin, expect=(200,))
    if js['images']:
        image = js['images'][0]
    else:
        _, _, image = call('POST', GLANCE + '/v2/images', admin, {
            'name': 'testimg', 'disk_format': 'raw', 'container_format': 'bare',
            'visibility': 'public', 'min_disk': 0, 'min_ram': 0}, expect=(201,))
    if image['status'] == 'queued':
        call('PUT', GLANCE + '/v2/images/%s/file' % image['id'], admin, raw=b'\0' * 1024 * 1024,
             expect=(204,))

    # flavors
    _, _, js = call('GET', NOVA + '/flavors', admin, expect=(200,))
    have = {f['name'] for f in js['flavors']}
    for fid, name, vcpus, ram, disk in FLAVORS:
        if name not in have:
            call('POST', NOVA + '/flavors', admin, {'flavor': {
                'id': fid, 'name': name, 'vcpus': vcpus, 'ram': ram, 'disk': disk,
                'os-flavor-access:is_public': True}}, expect=(200,))

    # networks
    def one(coll, token, **q):
        _, _, js = call('GET', NEUTRON + '/%s?%s' % (coll, urllib.parse.urlencode(q)), token, expect=(200,))
        return js[coll][0] if js[coll] else None

    def ensure(kind, coll, token, body, **q):
        found = one(coll, token, **(q or {'name': body['name']}))
        if found:
            return found
        _, _, js = call('POST', NEUTRON + '/' + coll, token, {kind: body}, expect=(201,))
        return js[kind]

    public = ensure('network', 'networks', admin, {
        'name': 'public', 'router:external': True, 'provider:network_type': 'flat',
        'provider:physical_network': 'public'})
    ensure('subnet', 'subnets', admin, {
        'name': 'public-subnet', 'network_id': public['id'], 'ip_version': 4, 'cidr': PUBLIC_CIDR,
        'gateway_ip': PUBLIC_GW, 'enable_dhcp': False})
    private = ensure('network', 'networks', demo, {'name': 'private'})
    psub = ensure('subnet', 'subnets', demo, {
        'name': 'private-subnet', 'network_id': private['id'], 'ip_version': 4, 'cidr': PRIVATE_CIDR})
    router = ensure('router', 'routers', demo, {
        'name': 'router1', 'external_gateway_info': {'network_id': public['id']}})
    if not one('ports', demo, device_id=router['id'], network_id=private['id']):
        call('PUT', NEUTRON + '/routers/%s/add_router_interface' % router['id'], demo,
             {'subnet_id': psub['id']}, expect=(200,))

    # Neutron's default quotas (10 routers, 10 security groups, 100 rules) are below what the EC2 VPC suites
    # make in one run (a VPC is a router with its own default group): raise them for the test projects.
    for project in ('demo', 'alt'):
        call('PUT', NEUTRON + '/quotas/%s' % ids['projects'][project], admin, {'quota': {
            'router': 200, 'network': 500, 'subnet': 500, 'port': 2000, 'security_group': 500,
            'security_group_rule': 5000, 'floatingip': 50}}, expect=(200,))

    def image_active():
        _, _, js = call('GET', GLANCE + '/v2/images/' + image['id'], admin, expect=(200,))
        return js['status'] == 'active'
    wait_for('image testimg active', image_active, 60)

    ids['resources'] = {'image': image['id'], 'public_network': public['id'], 'private_network': private['id'],
                        'private_subnet': psub['id'], 'router': router['id']}
    tmp = os.path.join(state, 'ids.json.tmp')
    with open(tmp, 'w') as f:
        json.dump(ids, f, indent=2)
    os.replace(tmp, os.path.join(state, 'ids.json'))
    log('demo resources done in %.1fs' % (time.time() - t0))


# ---------------------------------------------------------------- ready
def cmd_ready(state, timeout=120):
    t0 = time.time()
    ids = load_state(state)
    admin, _ = get_token('admin', 'admin', 'admin')

    def hypervisor():
        _, _, js = call('GET', NOVA + '/os-hypervisors/detail', admin, expect=(200,))
        return [h for h in js['hypervisors'] if h['state'] == 'up' and h['status'] == 'enabled']
    hv = wait_for('a nova hypervisor (state up)', hypervisor, timeout)

    def compute_service():
        _, _, js = call('GET', NOVA + '/os-services?binary=nova-compute', admin, expect=(200,))
        return [s for s in js['services'] if s['state'] == 'up']
    wait_for('nova-compute service up', compute_service, timeout)

    def pools():
        _, _, js = call('GET', CINDER + '/%s/scheduler-stats/get_pools' % ids['projects']['admin'],
                        admin, expect=(200,))
        return js['pools']
    pl = wait_for('a cinder scheduler pool', pools, timeout)
    log('ready after %.1fs: hypervisor %s, cinder pool %s' % (
        time.time() - t0, hv[0]['hypervisor_hostname'], pl[0]['name']))


# ---------------------------------------------------------------- outputs
def cmd_outputs(state, out):
    ids = load_state(state)
    os.makedirs(out, exist_ok=True)
    p = ids['projects']

    def write(name, text, mode=0o644):
        path = os.path.join(out, name)
        with open(path + '.tmp', 'w') as f:
            f.write(text)
        os.chmod(path + '.tmp', mode)
        os.replace(path + '.tmp', path)

    creds = ''
    for name in TEST_USERS:
        creds += '[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n' % (
            name, ids['ec2'][name]['access'], ids['ec2'][name]['secret'])
    write('credentials', creds)
    write('aws-config', ''.join(
        '[profile %s]\nregion = %s\nendpoint_url = %s\n\n' % (n, REGION, ENDPOINTS['ec2']) for n in TEST_USERS))

    clouds = 'clouds:\n'
    for cloud, (user, password, project) in [('admin', ('admin', 'admin', 'admin'))] + [
            (n, (n, pw, pr)) for n, (pr, pw) in TEST_USERS.items()]:
        clouds += ('  %s:\n    auth:\n      auth_url: %s\n      username: %s\n      password: %s\n'
                   '      project_name: %s\n      user_domain_name: Default\n      project_domain_name: Default\n'
                   '    region_name: %s\n    interface: public\n    identity_api_version: 3\n') % (
            cloud, KEYSTONE, user, password, project, REGION)
    write('clouds.yaml', clouds)

    write('ec2api.conf', '\n'.join([
        '[DEFAULT]',
        'cloud_backend = openstack',
        'region_name = %s' % REGION,
        '[database]',
        'connection = mysql://root@127.0.0.1:3306/ec2api_testcloud',
        '[keystone_authtoken]',
        'auth_url = %s' % KEYSTONE,
        'username = %s' % EC2API_USER,
        'password = %s' % EC2API_PASSWORD,
        'project_name = service',
        'user_domain_name = Default',
        'project_domain_name = Default',
    ]) + '\n')

    write('endpoints.json', json.dumps(ENDPOINTS, indent=2) + '\n', 0o644)
    write('ids.json', json.dumps(ids, indent=2) + '\n')

    env = [
        '# source me: admin credentials for the openstack CLI + EC2 keys of demo/alt',
        "export OS_AUTH_URL='%s'" % KEYSTONE,
        "export OS_USERNAME='admin'", "export OS_PASSWORD='admin'", "export OS_PROJECT_NAME='admin'",
        "export OS_USER_DOMAIN_NAME='Default'", "export OS_PROJECT_DOMAIN_NAME='Default'",
        "export OS_REGION_NAME='%s'" % REGION, "export OS_IDENTITY_API_VERSION='3'",
        "export OS_INTERFACE='public'",
    ]
    for name in TEST_USERS:
        up = name.upper()
        env += ["export %s_ACCESS_KEY='%s'" % (up, ids['ec2'][name]['access']),
                "export %s_SECRET_KEY='%s'" % (up, ids['ec2'][name]['secret']),
                "export %s_PROJECT_ID='%s'" % (up, p[name])]
    env += ["export EC2API_SERVICE_USER='%s'" % EC2API_USER, "export EC2API_SERVICE_PASSWORD='%s'" % EC2API_PASSWORD,
            "export EC2API_ENDPOINT='%s'" % ENDPOINTS['ec2']]
    write('env', '\n'.join(env) + '\n')


# ---------------------------------------------------------------- check-ec2
def sigv4_request(access, secret, host='127.0.0.1:8788', params=None):
    """Sign an EC2 form POST like an AWS SDK does; return the ec2tokens 'credentials' body."""
    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
    except ImportError:
        sys.exit('botocore is not importable by %s (apt-get install python3-botocore, or run this '
                 'with python3.11)' % sys.executable)
    params = params or {'Action': 'DescribeRegions', 'Version': '2016-11-15'}
    body = urllib.parse.urlencode(params)
    req = AWSRequest(method='POST', url='http://%s/' % host, data=body,
                     headers={'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'})
    SigV4Auth(Credentials(access, secret), 'ec2', REGION).add_auth(req)
    authz = req.headers['Authorization']
    signature = authz.rsplit('Signature=', 1)[1]
    import hashlib
    return {'access': access, 'signature': signature, 'host': host, 'verb': 'POST', 'path': '/',
            'params': params,
            'headers': {'Content-Type': req.headers['Content-Type'], 'X-Amz-Date': req.headers['X-Amz-Date'],
                        'Authorization': authz, 'Host': host},
            'body_hash': hashlib.sha256(body.encode()).hexdigest()}


def cmd_check_ec2(state):
    ids = load_state(state)
    failures = []

    def check(name, cond, detail=''):
        print('  %-62s %s %s' % (name, 'OK' if cond else 'FAIL', detail))
        if not cond:
            failures.append(name)

    svc_tok, _ = get_token(EC2API_USER, EC2API_PASSWORD, 'service')
    url = KEYSTONE + '/ec2tokens'
    for attempt in (1, 2):  # twice: the 2nd call reads the credential from keystone's cache
        for name in TEST_USERS:
            c = ids['ec2'][name]
            st, hdrs, js = call('POST', url, svc_tok, {'credentials': sigv4_request(c['access'], c['secret'])},
                                expect=None)
            proj = (js or {}).get('token', {}).get('project', {}).get('id')
            check('%s: SigV4 via ec2tokens (service token) -> 200, project #%d' % (name, attempt),
                  st == 200 and proj == ids['projects'][name] and hdrs.get('X-Subject-Token'),
                  'HTTP %s project %s' % (st, proj))
    c = ids['ec2']['demo']
    st, _, _ = call('POST', url, svc_tok, {'credentials': sigv4_request(c['access'], 'wrong' + c['secret'])},
                    expect=None)
    check('demo: wrong secret -> 401', st == 401, 'HTTP %s' % st)
    st, _, _ = call('POST', url, svc_tok, {'credentials': sigv4_request('0' * 32, c['secret'])}, expect=None)
    check('unknown access key -> 404 (or 401)', st in (401, 404), 'HTTP %s' % st)
    st, _, _ = call('POST', url, None, {'credentials': sigv4_request(c['access'], c['secret'])}, expect=None)
    check('no service token -> 401', st == 401, 'HTTP %s' % st)
    st, _, js = call('GET', KEYSTONE + '/credentials?type=ec2', svc_tok, expect=None)
    blobs = [json.loads(x['blob']) for x in (js or {}).get('credentials', [])]
    secrets = {b.get('access'): b.get('secret') for b in blobs}
    check('ec2api reads all EC2 secrets (GET /v3/credentials?type=ec2)',
          st == 200 and all(secrets.get(ids['ec2'][n]['access']) == ids['ec2'][n]['secret'] for n in TEST_USERS),
          'HTTP %s, %d credentials' % (st, len(blobs)))
    if failures:
        sys.exit('EC2 checks FAILED: %s' % ', '.join(failures))
    print('EC2 checks OK')


# ---------------------------------------------------------------- smoke
def cmd_smoke(state):
    ids = load_state(state)
    t0 = time.time()
    tok, _ = get_token('demo', 'demo', 'demo')
    _, _, js = call('POST', NOVA + '/servers', tok, {'server': {
        'name': 'testcloud-smoke', 'flavorRef': '1', 'imageRef': ids['resources']['image'],
        'networks': [{'uuid': ids['resources']['private_network']}]}}, expect=(202,))
    sid = js['server']['id']

    def active():
        _, _, js = call('GET', NOVA + '/servers/' + sid, tok, expect=(200,))
        if js['server']['status'] == 'ERROR':
            raise SystemExit('smoke: server went to ERROR: %s' % js['server'].get('fault'))
        return js['server'] if js['server']['status'] == 'ACTIVE' else None
    srv = wait_for('server ACTIVE', active, 120, 0.5)
    addrs = [a['addr'] for net in srv['addresses'].values() for a in net]
    t_active = time.time() - t0
    call('DELETE', NOVA + '/servers/' + sid, tok, expect=(204,))

    def gone():
        st, _, _ = call('GET', NOVA + '/servers/' + sid, tok, expect=None)
        return st == 404
    wait_for('server deleted', gone, 60, 0.5)
    print('smoke OK: server ACTIVE in %.1fs with %s, deleted after %.1fs' % (t_active, addrs, time.time() - t0))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    cmd, state = argv[1], argv[2]
    try:
        if cmd == 'register':
            cmd_register(state)
        elif cmd == 'resources':
            cmd_resources(state)
        elif cmd == 'ready':
            cmd_ready(state, int(os.environ.get('TESTCLOUD_READY_TIMEOUT', '120')))
        elif cmd == 'outputs':
            cmd_outputs(state, argv[3])
        elif cmd == 'check-ec2':
            cmd_check_ec2(state)
        elif cmd == 'smoke':
            cmd_smoke(state)
        else:
            sys.exit(__doc__)
    except ApiError as e:
        sys.exit('testcloud.py %s: %s' % (cmd, e))


if __name__ == '__main__':
    main(sys.argv)
